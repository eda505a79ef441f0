package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.annulus.bridge.document.DocumentKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two workers (as two instances would) claiming from one real PostgreSQL at the same time: every
 * document is claimed exactly once (of two claims of one document, one wins), and a patient never has
 * two documents in flight at once.
 */
class ConcurrentClaimTest {

    @RegisterExtension
    static final StoreDatabases DB = StoreDatabases.named("claims");

    static final int PATIENTS = 20;
    static final int PER_PATIENT = 5;

    static DriverManagerDataSource dataSource;
    static DocumentStore store;
    static TransactionTemplate tx;
    static Dispatch dispatch;

    @BeforeAll
    static void migrate() {
        dataSource = DB.postgres();
        DB.fresh(dataSource);
        store = new DocumentStore(JdbcClient.create(dataSource), Clock.systemUTC(), true);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        dispatch = new Dispatch(store, tx);
    }

    @Test
    void twoWorkersNeverClaimOneDocumentTwiceAndKeepOnePerPatientInFlight() throws Exception {
        OffsetDateTime t0 = OffsetDateTime.of(2026, 3, 1, 9, 0, 0, 0, ZoneOffset.UTC);
        for (int n = 0; n < PER_PATIENT; n++) {
            for (int p = 0; p < PATIENTS; p++) {
                store.insert(NewDocuments.of(
                        DocumentKind.CANDIDACY_ASSESSMENT,
                        "CA-" + p + "-" + n,
                        1,
                        "sys|" + p,
                        t0.plusHours(n),
                        null,
                        "{}"));
            }
        }
        Map<String, Integer> claims = new ConcurrentHashMap<>();
        Map<String, String> inFlightByPatient = new ConcurrentHashMap<>();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            String owner = "worker-" + w;
            done.add(workers.submit(() -> {
                start.await();
                for (int round = 0; round < 10_000 && claims.size() < PATIENTS * PER_PATIENT; round++) {
                    // As the route does: find due documents, then claim each when its work starts.
                    for (String id : dispatch.dueDocuments(5)) {
                        Optional<Lease> lease = dispatch.claim(id, owner, Duration.ofMinutes(1));
                        if (lease.isEmpty()) {
                            continue; // the other worker claimed it first
                        }
                        claims.merge(id, 1, Integer::sum);
                        StoredDocument doc = store.find(id).orElseThrow();
                        if (inFlightByPatient.putIfAbsent(doc.patientKey(), id) != null) {
                            violations.add(doc.patientKey() + " had two documents in flight");
                        }
                        // Released before the commit that lets the next one be claimed: no false alarms.
                        inFlightByPatient.remove(doc.patientKey());
                        assertThat(dispatch.transition(lease.get(), doc, DocumentState.SYNCED, "test", Change.none()))
                                .isTrue();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(120, TimeUnit.SECONDS);
        }
        workers.shutdown();

        assertThat(claims).hasSize(PATIENTS * PER_PATIENT);
        assertThat(claims.values()).allMatch(count -> count == 1);
        assertThat(violations).isEmpty();
        assertThat(claims.keySet()).allMatch(id -> store.find(id).orElseThrow().state() == DocumentState.SYNCED);
    }

    @Test
    void aPatientsLaterDocumentWaitsForTheEarlierOne() {
        OffsetDateTime t0 = OffsetDateTime.of(2026, 4, 1, 9, 0, 0, 0, ZoneOffset.UTC);
        String later = store.insert(NewDocuments.of(
                DocumentKind.RECOVERY_MILESTONE, "RM-order-2", 1, "sys|order", t0.plusDays(10), null, "{}"));
        String earlier = store.insert(
                NewDocuments.of(DocumentKind.RECOVERY_MILESTONE, "RM-order-1", 1, "sys|order", t0, null, "{}"));

        List<String> first = tx.execute(s -> store.lockDue(50));

        assertThat(first).contains(earlier).doesNotContain(later);
        store.transition(earlier, DocumentState.ACCEPTED, DocumentState.SYNCED, "test", Change.none());
        List<String> next = tx.execute(s -> store.lockDue(50));
        assertThat(next).contains(later);
        store.transition(later, DocumentState.ACCEPTED, DocumentState.SYNCED, "test", Change.none());
    }

    @Test
    void aLateEarlierDocumentIsNotClaimedByAnotherInstanceWhileTheLaterOneIsLeased() {
        OffsetDateTime t0 = OffsetDateTime.of(2026, 5, 1, 9, 0, 0, 0, ZoneOffset.UTC);
        String later = milestone("RM-late-2", "sys|late", t0.plusDays(30));
        assertThat(dispatch.dueDocuments(50)).contains(later);
        Lease byFirst =
                dispatch.claim(later, "instance-1", Duration.ofMinutes(1)).orElseThrow();
        String lateEarlier = milestone("RM-late-1", "sys|late", t0);

        List<String> bySecond = tx.execute(s -> store.lockDue(50));

        assertThat(bySecond).as("not beside the later one in flight").doesNotContain(lateEarlier, later);
        store.transition(later, DocumentState.ACCEPTED, DocumentState.SYNCED, "test", Change.none(), byFirst.token());
        List<String> afterwards = tx.execute(s -> store.lockDue(50));
        assertThat(afterwards).contains(lateEarlier);
        store.transition(lateEarlier, DocumentState.ACCEPTED, DocumentState.SYNCED, "test", Change.none());
    }

    private static String milestone(String documentId, String patientKey, OffsetDateTime recorded) {
        return store.insert(
                NewDocuments.of(DocumentKind.RECOVERY_MILESTONE, documentId, 1, patientKey, recorded, null, "{}"));
    }
}
