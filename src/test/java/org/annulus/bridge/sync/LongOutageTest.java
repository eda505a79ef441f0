package org.annulus.bridge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentStatus;
import org.annulus.bridge.ehr.EhrWriteResult;
import org.annulus.bridge.ledger.WriteLedger;
import org.annulus.bridge.outbox.AcceptResult;
import org.annulus.bridge.outbox.Change;
import org.annulus.bridge.outbox.Dispatch;
import org.annulus.bridge.outbox.DocumentState;
import org.annulus.bridge.outbox.Lease;
import org.annulus.bridge.outbox.NewDocument;
import org.annulus.bridge.outbox.Outbox;
import org.annulus.bridge.outbox.OutboxProperties;
import org.annulus.bridge.outbox.StoredDocument;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An EHR outage far longer than the old budget of 8 attempts (~4 minutes), with time driven by the
 * test's clock: the real store (H2, migrated), claim, {@link DocumentSync#recordSending} and
 * {@link SyncOutcomes}, polled as the dispatch route polls, against an EHR that answers as the writer
 * does once its breaker is open (one probe per 30 s answered 503, every other call not made:
 * {@link EhrWriteResult.Failed#circuitOpen()} with the time until the probe; the writer's side of this is
 * {@code EhrWriterFaultsTest}). Six hours down: nothing DEAD, only probes counted as attempts; back:
 * all SYNCED. Down for longer than {@code retry-for}: DEAD, not before the window closes.
 */
class LongOutageTest {

    static final Duration RETRY_FOR = Duration.ofHours(24);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(10);
    static final Duration BREAKER_OPEN = Duration.ofSeconds(30);
    static final int DOCUMENTS = 10;

    static final String OWNER = "outage-test";

    final TestClock clock = new TestClock(Instant.parse("2026-03-02T10:00:00Z"));
    final OutboxProperties properties = new OutboxProperties(
            DOCUMENTS,
            Duration.ofMinutes(2),
            RETRY_FOR,
            Duration.ofSeconds(2),
            BACKOFF_MAX,
            5,
            Duration.ofMinutes(15),
            4,
            true,
            Duration.ofSeconds(30));
    final AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    final FakeBreakerEhr ehr = new FakeBreakerEhr();
    Dispatch dispatch;
    Outbox outbox;
    DocumentSync sync;
    SyncOutcomes outcomes;

    @BeforeEach
    void theStore() throws ClassNotFoundException {
        DriverManagerDataSource db = new DriverManagerDataSource(
                "jdbc:h2:mem:outage-" + System.nanoTime()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa",
                "");
        Flyway.configure().dataSource(db).load().migrate();
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(db);
        context.getBeanFactory().registerSingleton("clock", clock);
        context.getBeanFactory().registerSingleton("outboxProperties", properties);
        context.registerBean(DataSource.class, () -> db);
        context.registerBean(JdbcClient.class, () -> JdbcClient.create(db));
        context.registerBean(PlatformTransactionManager.class, () -> transactions);
        context.registerBean(TransactionTemplate.class, () -> new TransactionTemplate(transactions));
        context.registerBean(WriteLedger.class, () -> new WriteLedger(JdbcClient.create(db), transactions, clock));
        // the store is the outbox's own (package-private): registered by name, as a scan would find it
        context.registerBean(Class.forName("org.annulus.bridge.outbox.DocumentStore"));
        context.registerBean(Dispatch.class);
        context.registerBean(Outbox.class);
        context.refresh();
        dispatch = context.getBean(Dispatch.class);
        outbox = context.getBean(Outbox.class);
        FhirContext fhir = FhirContext.forR4Cached();
        sync = new DocumentSync(dispatch, null, null, null, fhir, properties, new SimpleMeterRegistry(), null, null);
        outcomes = new SyncOutcomes(dispatch, sync, fhir, properties);
    }

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void sixHoursDownNothingIsDeadAndOnceTheEhrIsBackEverythingIsSynced() {
        List<String> ids = mapped("six-hours");
        Instant start = clock.instant();

        while (clock.instant().isBefore(start.plus(Duration.ofHours(6)))) {
            poll();
            assertThat(states(ids)).as("at %s", clock.instant()).containsOnlyKeys(DocumentState.RETRY_SCHEDULED);
            clock.advance(Duration.ofMinutes(1));
        }

        int attempts = ids.stream().mapToInt(id -> find(id).attempts()).sum();
        assertThat(attempts).as("only the breaker's probes reached the EHR").isEqualTo(ehr.probes);
        assertThat(ehr.probes).isGreaterThan(300);
        assertThat(ehr.heldBack).as("documents held by the open breaker").isGreaterThan(1000);
        assertThat(ids).allSatisfy(id -> assertThat(find(id).failingSince()).isNotNull());

        ehr.up = true;
        Instant back = clock.instant();
        while (!states(ids).keySet().equals(java.util.Set.of(DocumentState.SYNCED))) {
            poll();
            clock.advance(Duration.ofMinutes(1));
            assertThat(clock.instant())
                    .as("all synced within backoff-max")
                    .isBefore(back.plus(BACKOFF_MAX.plusMinutes(2)));
        }
        assertThat(ids).allSatisfy(id -> assertThat(find(id).failingSince()).isNull());
    }

    @Test
    void downForLongerThanRetryForEverythingIsDeadButNotBeforeTheWindowCloses() {
        List<String> ids = mapped("a-day");
        Instant start = clock.instant();

        Map<DocumentState, Long> states = states(ids);
        while (!states.keySet().equals(java.util.Set.of(DocumentState.DEAD))) {
            poll();
            states = states(ids);
            if (states.containsKey(DocumentState.DEAD)) {
                assertThat(clock.instant())
                        .as("nothing DEAD before the window closes")
                        .isAfterOrEqualTo(start.plus(RETRY_FOR).minus(BACKOFF_MAX));
            }
            // coarse steps for the first 23 hours, fine ones where the window closes
            boolean nearTheEnd = clock.instant().isAfter(start.plus(RETRY_FOR).minus(Duration.ofHours(1)));
            clock.advance(nearTheEnd ? Duration.ofMinutes(1) : Duration.ofMinutes(10));
            assertThat(clock.instant())
                    .as("all DEAD right after the window")
                    .isBefore(start.plus(RETRY_FOR).plus(Duration.ofMinutes(3)));
        }
        for (String id : ids) {
            StoredDocument dead = find(id);
            assertThat(dead.failingSince()).isNotNull();
            // given up no later than the next try after first failure + retry-for
            assertThat(dead.updatedAt().toInstant())
                    .isBeforeOrEqualTo(
                            dead.failingSince().toInstant().plus(RETRY_FOR).plus(Duration.ofMinutes(2)));
            assertThat(outbox.find(id)
                            .orElseThrow()
                            .history()
                            .get(outbox.find(id).orElseThrow().history().size() - 1)
                            .reason())
                    .contains("gave up after", "longer than bridge.outbox.retry-for (PT24H)");
        }
    }

    /** One dispatch poll: claim what is due and send each, as {@code sync-document} does from SENDING on. */
    private void poll() {
        for (String id : sync.dueDocuments()) {
            Optional<Lease> claimed = dispatch.claim(id, OWNER, properties.lease());
            if (claimed.isEmpty()) {
                continue;
            }
            Lease lease = claimed.get();
            DocumentSync.Work work = sync.load(lease);
            sync.recordSending(work);
            EhrWriteResult answer = ehr.write(clock.instant());
            if (answer instanceof EhrWriteResult.Failed failed) {
                outcomes.retryOrGiveUp(
                        failed.circuitOpen()
                                ? new SyncFailure.CircuitOpen(failed)
                                : new SyncFailure.EhrRetryable(failed),
                        lease);
            } else {
                assertThat(dispatch.recordSynced(lease, List.of(), "written")).isTrue();
            }
        }
    }

    /** {@value #DOCUMENTS} documents of as many patients, mapped and due. */
    private List<String> mapped(String prefix) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            AcceptResult accepted = outbox.accept(new NewDocument(
                    DocumentKind.CANDIDACY_ASSESSMENT,
                    "CA-" + prefix + "-" + i,
                    1,
                    DocumentStatus.FINAL,
                    "urn:mrn|outage-" + prefix + "-" + i,
                    OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
                    null,
                    "api",
                    "a".repeat(64),
                    "{}",
                    null));
            String id = accepted.trackingId();
            Lease lease = dispatch.claim(id, OWNER, properties.lease()).orElseThrow();
            sync.transition(lease, find(id), DocumentState.MAPPED, "mapped", Change.mapped("{}"));
            dispatch.release(lease);
            ids.add(id);
        }
        return ids;
    }

    private StoredDocument find(String id) {
        return dispatch.find(id).orElseThrow();
    }

    private Map<DocumentState, Long> states(List<String> ids) {
        return ids.stream()
                .map(this::find)
                .collect(Collectors.groupingBy(StoredDocument::state, Collectors.counting()));
    }

    /**
     * The EHR as the writer presents it once its breaker is open: down, one call per
     * {@value #BREAKER_OPEN}-second period reaches it (and gets 503); the others are not made and are
     * told when the next probe goes. Up: every write succeeds.
     */
    static final class FakeBreakerEhr {
        boolean up;
        Instant probeAt = Instant.EPOCH;
        int probes;
        int heldBack;

        EhrWriteResult write(Instant now) {
            if (up) {
                return new EhrWriteResult.Written("p1", List.of(), List.of(), List.of());
            }
            if (now.isBefore(probeAt)) {
                heldBack++;
                return new EhrWriteResult.Failed(
                        true,
                        null,
                        "EHR failing repeatedly: not called while the circuit breaker is open",
                        null,
                        Duration.between(now, probeAt));
            }
            probes++;
            probeAt = now.plus(BREAKER_OPEN);
            return new EhrWriteResult.Failed(true, 503, "EHR answered HTTP 503", null, null);
        }
    }
}
