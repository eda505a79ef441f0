package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentStatus;
import org.annulus.bridge.ledger.WriteLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator's action whose document moves under it, on the real PostgreSQL: another transaction
 * has already moved the row (another operator, say) and commits while the action's transition waits
 * for the row lock. The action changes nothing and answers WRONG_STATE (409) with the state the
 * document is in now.
 */
class OperatorRaceTest {

    static final StoreDatabases DATABASES = StoreDatabases.named("operator_race");
    /** Names this test's connections, so it waits for its own lock only. */
    static final String APPLICATION = "operator-race-" + ProcessHandle.current().pid();

    static DocumentStore store;
    static TransactionTemplate tx;
    static Outbox outbox;
    static ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeAll
    static void migrate() {
        DATABASES.fresh(DATABASES.postgres());
        DriverManagerDataSource db = new DriverManagerDataSource(
                DATABASES.postgres().getUrl() + "&ApplicationName=" + APPLICATION,
                DATABASES.postgres().getUsername(),
                "");
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(db);
        store = new DocumentStore(JdbcClient.create(db), Clock.systemUTC(), true);
        tx = new TransactionTemplate(transactions);
        outbox = new Outbox(store, tx, new WriteLedger(JdbcClient.create(db), transactions, Clock.systemUTC()));
    }

    @AfterAll
    static void drop() {
        threads.shutdownNow();
        DATABASES.drop();
    }

    @Test
    void aReplayOfADocumentReplayedMeanwhileIsA409WithItsStateNow() throws Exception {
        String id = answers409(DocumentState.DEAD, DocumentState.MAPPED, outbox::replay);

        assertThat(store.history(id)).noneMatch(t -> t.reason().equals("replayed by an operator"));
    }

    @Test
    void aPatientChoiceForADocumentMovedMeanwhileIsA409AndChoosesNothing() throws Exception {
        String id = answers409(
                DocumentState.AWAITING_PATIENT_MATCH,
                DocumentState.MAPPED,
                trackingId -> outbox.choosePatient(trackingId, "sbx-1"));

        assertThat(store.find(id).orElseThrow().ehrPatientId()).isNull();
    }

    @Test
    void aResolutionOfAConflictResolvedMeanwhileIsA409() throws Exception {
        String id = answers409(
                DocumentState.CONFLICT,
                DocumentState.SYNCED,
                trackingId -> outbox.resolve(trackingId, Outbox.Resolution.OVERWRITE));

        assertThat(store.find(id).orElseThrow().overwriteEhrEdits()).isFalse();
    }

    /**
     * A document parked in {@code from}; {@code action} on it while another transaction moves it to
     * {@code to} answers WRONG_STATE naming {@code to}. Returns the document's tracking id.
     */
    private String answers409(DocumentState from, DocumentState to, Function<String, OperatorResult> action)
            throws Exception {
        String id = parked(from);
        assertThat(whileMovedTo(id, from, to, action))
                .isEqualTo(new OperatorResult(OperatorResult.Status.WRONG_STATE, "not possible in state " + to));
        return id;
    }

    /**
     * Runs {@code action} while another transaction, which moved the document from {@code from} to
     * {@code to} first, holds the row; commits that one once the action's update waits for it.
     */
    private OperatorResult whileMovedTo(
            String id, DocumentState from, DocumentState to, Function<String, OperatorResult> action) throws Exception {
        CountDownLatch moved = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        Future<?> other = threads.submit(() -> tx.executeWithoutResult(status -> {
            assertThat(store.transition(id, from, to, "another operator", Change.none()))
                    .isTrue();
            moved.countDown();
            try {
                commit.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(moved.await(20, TimeUnit.SECONDS)).isTrue();
        Future<OperatorResult> acting = threads.submit(() -> action.apply(id));
        await().atMost(Duration.ofSeconds(20)).until(OperatorRaceTest::waitingForARowLock);
        commit.countDown();
        other.get(20, TimeUnit.SECONDS);
        return acting.get(20, TimeUnit.SECONDS);
    }

    private static boolean waitingForARowLock() {
        return JdbcClient.create(DATABASES.postgres())
                        .sql("select count(*) from pg_stat_activity where application_name = ?"
                                + " and wait_event_type = 'Lock'")
                        .param(APPLICATION)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    private String parked(DocumentState state) {
        String name = state.name().toLowerCase(java.util.Locale.ROOT);
        String id = store.insert(new NewDocument(
                DocumentKind.CANDIDACY_ASSESSMENT,
                "CA-race-" + name,
                1,
                DocumentStatus.FINAL,
                "sys|race-" + name,
                OffsetDateTime.of(2026, 6, 1, 9, 0, 0, 0, ZoneOffset.UTC),
                null,
                "api",
                "0".repeat(64),
                "{}",
                null));
        store.transition(id, DocumentState.ACCEPTED, state, "test", Change.mapped("{}"));
        return id;
    }
}
