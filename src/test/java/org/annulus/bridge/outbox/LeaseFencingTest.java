package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two instances (two owners, each with its own {@link Leases}) sharing one real PostgreSQL, with an
 * EHR slower than the lease: a test EHR whose sends block until the test lets them answer. Time is the
 * {@link TestClock}'s; the heartbeat is driven by hand ({@link Leases#renewHeld}) as its schedule would.
 */
class LeaseFencingTest {

    static final StoreDatabases DATABASES = StoreDatabases.named("leases");
    static final Duration LEASE = Duration.ofMinutes(10);

    TestClock clock;
    Instance a;
    Instance b;
    SlowEhr ehr;
    ExecutorService workers;

    @BeforeEach
    void instances() {
        DATABASES.fresh(DATABASES.postgres());
        clock = new TestClock(Instant.parse("2026-05-04T08:00:00Z"));
        a = new Instance("instance-a", Duration.ofSeconds(30));
        b = new Instance("instance-b", Duration.ofSeconds(30));
        ehr = new SlowEhr();
        workers = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopWorkers() {
        ehr.answer.countDown();
        workers.shutdownNow();
    }

    @AfterAll
    static void drop() {
        DATABASES.drop();
    }

    @Test
    void aRenewedLeaseKeepsASendSlowerThanTheLeaseFromTheOtherInstance() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            ids.add(insert("sys|slow-" + p));
        }
        List<Future<Boolean>> sends = new ArrayList<>();
        for (String id : a.dispatch.dueDocuments(50)) {
            sends.add(workers.submit(() -> a.send(a.leases.claim(id).orElseThrow(), ehr)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> ehr.calls.size() == ids.size());

        // 12 minutes of a send slower than the 10-minute lease, the heartbeat beating every 4 minutes.
        for (int beat = 0; beat < 3; beat++) {
            clock.advance(Duration.ofMinutes(4));
            a.leases.renewHeld();
            assertThat(b.dispatch.dueDocuments(50)).isEmpty();
            for (String id : ids) {
                assertThat(b.leases.claim(id)).as("instance b claims %s", id).isEmpty();
            }
        }
        ehr.answer.countDown();

        for (Future<Boolean> send : sends) {
            assertThat(send.get(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ehr.calls).containsOnlyKeys(ids).allSatisfy((id, calls) -> assertThat(calls)
                .isEqualTo(1));
        assertThat(ids).allMatch(id -> state(id) == DocumentState.SYNCED);
        assertThat(a.leases.held()).isEmpty();
    }

    @Test
    void aWorkerWhoseLeaseWasTakenOverCannotWriteAStateAndItsLateAnswerIsRecorded() throws Exception {
        String id = insert("sys|stalled");
        Lease stale = a.leases.claim(id).orElseThrow();
        Future<Boolean> stalled = workers.submit(() -> a.send(stale, ehr));
        await().atMost(Duration.ofSeconds(20)).until(() -> ehr.calls.containsKey(id));

        // Instance a stalls (no heartbeat) past its lease: instance b takes the document over.
        clock.advance(LEASE.plusSeconds(1));
        assertThat(b.dispatch.dueDocuments(50)).containsExactly(id);
        Lease taken = b.leases.claim(id).orElseThrow();
        assertThat(taken.token()).isNotEqualTo(stale.token());
        SlowEhr ehrOfB = new SlowEhr();
        Future<Boolean> resumed = workers.submit(() -> b.send(taken, ehrOfB));
        await().atMost(Duration.ofSeconds(20)).until(() -> ehrOfB.calls.containsKey(id));

        // The stale worker's answer comes first, while the document is SENDING under b's lease.
        ehr.answer.countDown();
        assertThat(stalled.get(20, TimeUnit.SECONDS))
                .as("the stale worker's SYNCED")
                .isFalse();
        StoredDocument sending = a.dispatch.find(id).orElseThrow();
        assertThat(sending.state()).isEqualTo(DocumentState.SENDING);
        assertThat(a.dispatch.transition(stale, sending, DocumentState.RETRY_SCHEDULED, "stale", Change.none()))
                .as("any transition of the stale worker")
                .isFalse();
        a.leases.renewHeld();
        assertThat(a.leases.held())
                .as("the taken-over lease is no longer renewed")
                .isEmpty();

        ehrOfB.answer.countDown();
        assertThat(resumed.get(20, TimeUnit.SECONDS)).isTrue();
        List<String> history =
                a.store.history(id).stream().map(t -> t.to() + " " + t.reason()).toList();
        assertThat(history)
                .containsSubsequence(
                        "SENDING late answer from the EHR after the lease was taken over (instance-a)",
                        "SYNCED synced by instance-b")
                .noneMatch(h -> h.startsWith("SYNCED synced by instance-a"));
        assertThat(state(id)).isEqualTo(DocumentState.SYNCED);
    }

    @Test
    void onShutdownTheSendsUnderWayFinishAndNothingNewIsClaimed() throws Exception {
        String inFlight = insert("sys|shutdown-1");
        String waiting = insert("sys|shutdown-2");
        Future<Boolean> send =
                workers.submit(() -> a.send(a.leases.claim(inFlight).orElseThrow(), ehr));
        await().atMost(Duration.ofSeconds(20)).until(() -> ehr.calls.containsKey(inFlight));

        Future<?> stopping = workers.submit((Runnable) a.leases::stop);
        await().atMost(Duration.ofSeconds(20)).until(() -> !a.leases.isRunning());
        assertThat(a.leases.claim(waiting)).as("no claim once stopping").isEmpty();
        assertThat(stopping).isNotDone();
        ehr.answer.countDown();

        stopping.get(20, TimeUnit.SECONDS);
        assertThat(send.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(state(inFlight)).isEqualTo(DocumentState.SYNCED);
        assertThat(state(waiting)).isEqualTo(DocumentState.ACCEPTED);
        assertThat(leaseOwner(waiting)).isNull();
        assertThat(b.leases.claim(waiting))
                .as("the rest is workable by the next process")
                .isPresent();
    }

    @Test
    void onShutdownASendStillRunningAfterTheTimeoutHasItsLeaseReleased() throws Exception {
        Instance quick = new Instance("instance-quick", Duration.ofMillis(200));
        String id = insert("sys|shutdown-slow");
        Lease lease = quick.leases.claim(id).orElseThrow();
        Future<Boolean> send = workers.submit(() -> quick.send(lease, ehr));
        await().atMost(Duration.ofSeconds(20)).until(() -> ehr.calls.containsKey(id));

        quick.leases.stop();

        assertThat(leaseOwner(id)).as("released").isNull();
        assertThat(state(id)).isEqualTo(DocumentState.SENDING);
        Lease next = b.leases.claim(id).orElseThrow();
        ehr.answer.countDown();
        assertThat(send.get(20, TimeUnit.SECONDS))
                .as("the released worker's SYNCED")
                .isFalse();
        assertThat(b.send(next, SlowEhr.answering())).isTrue();
        assertThat(state(id)).isEqualTo(DocumentState.SYNCED);
    }

    private String insert(String patientKey) {
        return a.store.insert(new NewDocument(
                DocumentKind.CANDIDACY_ASSESSMENT,
                "CA-" + patientKey.substring(4),
                1,
                DocumentStatus.FINAL,
                patientKey,
                clock.instant().atOffset(java.time.ZoneOffset.UTC),
                null,
                "api",
                "0".repeat(64),
                "{}",
                null));
    }

    private DocumentState state(String id) {
        return a.store.find(id).orElseThrow().state();
    }

    private String leaseOwner(String id) {
        return JdbcClient.create(DATABASES.postgres())
                .sql("select lease_owner from clinical_document where tracking_id = ?")
                .param(id)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    /** One bridge instance's store side: its own store, dispatch and leases over the shared database. */
    final class Instance {
        final String owner;
        final DocumentStore store;
        final Dispatch dispatch;
        final Leases leases;

        Instance(String owner, Duration shutdownTimeout) {
            this.owner = owner;
            store = new DocumentStore(JdbcClient.create(DATABASES.postgres()), clock, true);
            dispatch = new Dispatch(
                    store, new TransactionTemplate(new DataSourceTransactionManager(DATABASES.postgres())));
            leases = new Leases(
                    dispatch,
                    new OutboxProperties(
                            20,
                            LEASE,
                            Duration.ofHours(24),
                            Duration.ofSeconds(2),
                            Duration.ofMinutes(10),
                            5,
                            Duration.ofMinutes(15),
                            4,
                            true,
                            shutdownTimeout),
                    owner);
            leases.start();
        }

        /**
         * What sync-document does with a claimed document, reduced to the lease: SENDING, the EHR call,
         * SYNCED, the late answer when SYNCED was refused. True when this worker recorded SYNCED.
         */
        boolean send(Lease lease, SlowEhr to) throws InterruptedException {
            try {
                StoredDocument doc = dispatch.find(lease.trackingId()).orElseThrow();
                if (!dispatch.transition(lease, doc, DocumentState.SENDING, "sending", Change.attempt())) {
                    return false;
                }
                to.send(lease.trackingId());
                boolean synced = dispatch.recordSynced(lease, List.of(), "synced by " + owner);
                if (!synced) {
                    dispatch.recordLateAnswer(
                            lease, "late answer from the EHR after the lease was taken over (" + owner + ")");
                }
                return synced;
            } finally {
                leases.end(lease);
            }
        }
    }

    /** An EHR slower than the lease: every send waits until the test lets it answer; counts sends per document. */
    static final class SlowEhr {
        final Map<String, Integer> calls = new ConcurrentHashMap<>();
        final CountDownLatch answer = new CountDownLatch(1);

        static SlowEhr answering() {
            SlowEhr ehr = new SlowEhr();
            ehr.answer.countDown();
            return ehr;
        }

        void send(String trackingId) throws InterruptedException {
            calls.merge(trackingId, 1, Integer::sum);
            if (!answer.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the EHR answer");
            }
        }
    }
}
