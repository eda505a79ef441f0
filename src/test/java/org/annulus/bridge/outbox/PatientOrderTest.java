package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentStatus;
import org.annulus.bridge.ledger.WriteLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which documents a claim may take (issue 13, items 2 and 4), on H2 and PostgreSQL: a patient's later
 * documents wait behind an earlier parked one, visibly, until an operator releases it (or by setting,
 * not at all); a late document with an earlier clinical time waits while a later one is in flight.
 */
class PatientOrderTest {

    static final StoreDatabases DB = StoreDatabases.named("order");
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(2);
    static final String PATIENT = "urn:oid:1.2|MRN-7";

    static Stream<DataSource> databases() {
        return DB.both();
    }

    @AfterAll
    static void drop() {
        DB.drop();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDeadDocumentHoldsBackThePatientsLaterOnesVisiblyUntilAnOperatorReleasesIt(DataSource db) {
        Setup s = new Setup(db, true);
        String first = s.document("CA-1", 0);
        String second = s.document("PN-1", 1);
        String third = s.document("RM-1", 2);
        String otherPatient = s.document("CA-9", 3, "urn:oid:1.2|MRN-8");
        assertThat(s.claim()).containsExactlyInAnyOrder(first, otherPatient);
        s.dead(first);
        s.synced(otherPatient);

        assertThat(s.claim())
                .as("nothing of the patient overtakes its DEAD document")
                .isEmpty();
        assertThat(s.outbox.find(second).orElseThrow().waitingFor())
                .isEqualTo(new TrackedDocument.WaitingFor(first, DocumentState.DEAD));
        assertThat(s.outbox.find(third).orElseThrow().waitingFor())
                .as("the earliest document it waits behind")
                .isEqualTo(new TrackedDocument.WaitingFor(first, DocumentState.DEAD));
        assertThat(s.outbox.find(first).orElseThrow().waitingFor()).isNull();

        assertThat(s.outbox.release(second).status())
                .as("only a parked document is released")
                .isEqualTo(OperatorResult.Status.WRONG_STATE);
        assertThat(s.outbox.release("no-such").status()).isEqualTo(OperatorResult.Status.NOT_FOUND);
        assertThat(s.outbox.release(first).status()).isEqualTo(OperatorResult.Status.DONE);
        assertThat(s.outbox.release(first).status())
                .as("a second release changes nothing")
                .isEqualTo(OperatorResult.Status.DONE);

        TrackedDocument released = s.outbox.find(first).orElseThrow();
        assertThat(released.state()).as("it stays parked for an operator").isEqualTo(DocumentState.DEAD);
        assertThat(released.history())
                .filteredOn(t -> t.reason().startsWith("released by an operator"))
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.from()).isEqualTo(DocumentState.DEAD);
                    assertThat(t.to()).isEqualTo(DocumentState.DEAD);
                });
        assertThat(s.outbox.find(second).orElseThrow().waitingFor()).isNull();
        assertThat(s.claim()).containsExactly(second);
        s.synced(second);
        assertThat(s.claim()).containsExactly(third);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void everyParkedStateHoldsBackAndAReplayedDocumentParkedAgainHoldsBackAgain(DataSource db) {
        Setup s = new Setup(db, true);
        String first = s.document("CA-1", 0);
        String later = s.document("PN-1", 1);
        assertThat(s.claim()).containsExactly(first);
        s.sending(first);
        for (DocumentState parked : DocumentState.PARKED) {
            s.transition(first, DocumentState.SENDING, parked, "test", Change.none());
            assertThat(s.claim()).as(parked.name()).isEmpty();
            assertThat(s.outbox.find(later).orElseThrow().waitingFor())
                    .isEqualTo(new TrackedDocument.WaitingFor(first, parked));
            s.transition(first, parked, DocumentState.SENDING, "test", Change.none());
        }
        s.transition(first, DocumentState.SENDING, DocumentState.DEAD, "test", Change.none());
        s.outbox.release(first);
        assertThat(s.outbox.replay(first).status()).isEqualTo(OperatorResult.Status.DONE);

        assertThat(s.claim())
                .as("replayed, it is workable and goes first again")
                .containsExactly(first);
        s.dead(first);
        assertThat(s.claim())
                .as("parked anew: the earlier release no longer counts")
                .isEmpty();
        assertThat(s.outbox.find(later).orElseThrow().waitingFor().state()).isEqualTo(DocumentState.DEAD);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void withParkedBlocksPatientOffLaterDocumentsOvertakeAParkedOne(DataSource db) {
        Setup s = new Setup(db, false);
        String first = s.document("CA-1", 0);
        String later = s.document("PN-1", 1);
        assertThat(s.claim()).containsExactly(first);
        s.dead(first);

        assertThat(s.outbox.find(later).orElseThrow().waitingFor()).isNull();
        assertThat(s.claim()).containsExactly(later);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aLateEarlierDocumentIsNotClaimedWhileTheLaterOneIsInFlight(DataSource db) {
        Setup s = new Setup(db, true);
        String later = s.document("RM-2", 10);
        assertThat(s.claim()).containsExactly(later);
        String lateEarlier = s.document("RM-1", 1);

        assertThat(s.claim()).as("leased, not yet sending").isEmpty();
        s.sending(later);
        assertThat(s.claim()).as("sending").isEmpty();
        assertThat(s.outbox.find(lateEarlier).orElseThrow().waitingFor())
                .isEqualTo(new TrackedDocument.WaitingFor(later, DocumentState.SENDING));

        s.transition(later, DocumentState.SENDING, DocumentState.SYNCED, "test", Change.none());
        assertThat(s.outbox.find(lateEarlier).orElseThrow().waitingFor()).isNull();
        assertThat(s.claim()).containsExactly(lateEarlier);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aSendACrashedWorkerLeftIsResumedBeforeALateEarlierDocument(DataSource db) {
        Setup s = new Setup(db, true);
        String later = s.document("RM-3", 10);
        assertThat(s.claim()).containsExactly(later);
        s.sending(later);
        String lateEarlier = s.document("RM-1", 1);
        s.clock.advance(LEASE.plusSeconds(1));

        assertThat(s.claim())
                .as("the lease ran out; the SENDING one is finished first")
                .containsExactly(later);
        s.clock.advance(LEASE.plusSeconds(1));
        assertThat(s.claim())
                .as("SENDING, lease out again: still it, never both")
                .containsExactly(later);
        s.transition(later, DocumentState.SENDING, DocumentState.SYNCED, "test", Change.none());
        assertThat(s.claim()).containsExactly(lateEarlier);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void ofTwoSendsLeftByACrashTheEarlierIsResumedFirstAndAloneForItsPatient(DataSource db) {
        Setup s = new Setup(db, true);
        String early = s.document("RM-1", 1);
        String late = s.document("RM-2", 2);
        // Both SENDING, as the old claim rule could leave them after a crash.
        for (String id : List.of(early, late)) {
            s.transition(id, DocumentState.ACCEPTED, DocumentState.MAPPED, "test", Change.mapped("{}"));
            s.transition(id, DocumentState.MAPPED, DocumentState.SENDING, "test", Change.attempt());
        }

        assertThat(s.claim()).containsExactly(early);
        s.transition(early, DocumentState.SENDING, DocumentState.SYNCED, "test", Change.none());
        assertThat(s.claim()).containsExactly(late);
    }

    /** A fresh schema, the store and its two faces over one database, on the test's clock. */
    static final class Setup {
        final TestClock clock = new TestClock(T0);
        final DocumentStore store;
        final Dispatch dispatch;
        final Outbox outbox;
        final JdbcClient jdbc;

        Setup(DataSource db, boolean parkedBlocksPatient) {
            DB.fresh(db);
            jdbc = JdbcClient.create(db);
            store = new DocumentStore(jdbc, clock, parkedBlocksPatient);
            TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(db));
            dispatch = new Dispatch(store, tx);
            outbox = new Outbox(store, tx, new WriteLedger(jdbc, new DataSourceTransactionManager(db), clock));
        }

        String document(String documentId, int clinicalDay) {
            return document(documentId, clinicalDay, PATIENT);
        }

        String document(String documentId, int clinicalDay, String patientKey) {
            return store.insert(new NewDocument(
                    DocumentKind.CANDIDACY_ASSESSMENT,
                    documentId,
                    1,
                    DocumentStatus.FINAL,
                    patientKey,
                    OffsetDateTime.ofInstant(T0, ZoneOffset.UTC).plusDays(clinicalDay),
                    null,
                    "api",
                    "a".repeat(64),
                    documentId,
                    null));
        }

        /** As the dispatch route does: the due documents, each claimed when its work starts. */
        List<String> claim() {
            return dispatch.dueDocuments(50).stream()
                    .filter(id -> dispatch.claim(id, "worker-1", LEASE).isPresent())
                    .toList();
        }

        /** A transition by whoever holds the document's lease now (or by no one, when none does). */
        boolean transition(String id, DocumentState from, DocumentState to, String reason, Change change) {
            Optional<String> token = jdbc.sql("select lease_token from clinical_document where tracking_id = ?")
                    .param(id)
                    .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
                    .single();
            return store.transition(id, from, to, reason, change, token.orElse(null));
        }

        void sending(String id) {
            StoredDocument doc = store.find(id).orElseThrow();
            if (doc.state() == DocumentState.ACCEPTED) {
                transition(id, DocumentState.ACCEPTED, DocumentState.MAPPED, "test", Change.mapped("{}"));
            }
            transition(id, DocumentState.MAPPED, DocumentState.SENDING, "test", Change.attempt());
        }

        void dead(String id) {
            sending(id);
            transition(id, DocumentState.SENDING, DocumentState.DEAD, "test", Change.withOutcome("{}"));
        }

        void synced(String id) {
            sending(id);
            transition(id, DocumentState.SENDING, DocumentState.SYNCED, "test", Change.none());
        }
    }
}
