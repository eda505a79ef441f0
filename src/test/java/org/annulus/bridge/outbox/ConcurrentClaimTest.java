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
 * document is claimed exactly once, and a patient never has two documents in flight at once.
 */
class ConcurrentClaimTest {

    @RegisterExtension
    static final StoreDatabases DB = StoreDatabases.named("claims");

    static final int PATIENTS = 20;
    static final int PER_PATIENT = 5;

    static DriverManagerDataSource dataSource;
    static DocumentStore store;
    static TransactionTemplate tx;

    @BeforeAll
    static void migrate() {
        dataSource = DB.postgres();
        DB.fresh(dataSource);
        store = new DocumentStore(JdbcClient.create(dataSource), Clock.systemUTC());
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
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
                    List<String> claimed = tx.execute(s -> {
                        List<String> ids = store.lockDue(5);
                        store.lease(ids, owner, store.now().plus(Duration.ofMinutes(1)));
                        return ids;
                    });
                    for (String id : claimed) {
                        claims.merge(id, 1, Integer::sum);
                        StoredDocument doc = store.find(id).orElseThrow();
                        if (inFlightByPatient.putIfAbsent(doc.patientKey(), id) != null) {
                            violations.add(doc.patientKey() + " had two documents in flight");
                        }
                        // Released before the commit that lets the next one be claimed: no false alarms.
                        inFlightByPatient.remove(doc.patientKey());
                        store.transition(id, DocumentState.ACCEPTED, DocumentState.SYNCED, "test", Change.none());
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
}
