package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.ledger.WriteLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention of raw documents on H2 and PostgreSQL, with a clock the test moves: a final document keeps
 * its raw text for the configured period, then loses it and keeps its SHA-256 and history; a patient
 * with a document still on its way, or a newer one, keeps all of theirs.
 */
class DocumentRetentionTest {

    @RegisterExtension
    static final StoreDatabases DB = StoreDatabases.named("retention");

    static final Duration KEPT = Duration.ofDays(90);
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    static Stream<DataSource> databases() {
        return DB.both();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aFinalDocumentLosesItsRawTextAfterTheRetentionPeriodAndKeepsItsHashAndHistory(DataSource db) {
        Setup s = new Setup(db);
        String synced = s.synced("patient-a", "CA-1");

        s.clock.advance(KEPT.minusHours(1));
        assertThat(s.retention.purge()).isZero();
        assertThat(s.store.find(synced).orElseThrow().rawDocument()).isNotNull();

        s.clock.advance(Duration.ofHours(2));
        assertThat(s.retention.purge()).isEqualTo(1);

        StoredDocument after = s.store.find(synced).orElseThrow();
        assertThat(after.rawDocument()).isNull();
        assertThat(after.sha256()).isEqualTo(NewDocuments.SHA256);
        assertThat(after.state()).isEqualTo(DocumentState.SYNCED);
        List<TrackedDocument.Transition> history = s.store.history(synced);
        assertThat(history)
                .extracting(TrackedDocument.Transition::to)
                .containsExactly(DocumentState.ACCEPTED, DocumentState.SYNCED, DocumentState.SYNCED);
        assertThat(history.get(2).reason()).contains("purged", "90 days");
        assertThat(s.jdbc.sql("select raw_purged_at from clinical_document where tracking_id = ?")
                        .param(synced)
                        .query(OffsetDateTime.class)
                        .single()
                        .toInstant())
                .isEqualTo(s.clock.instant());

        assertThat(s.retention.purge()).as("a second run finds nothing left").isZero();
        assertThat(s.store.history(synced)).hasSize(3);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aPatientWithADocumentStillOnItsWayOrANewerOneKeepsAllTheirs(DataSource db) {
        Setup s = new Setup(db);
        String quiet = s.synced("patient-quiet", "CA-2");
        String busyOld = s.synced("patient-busy", "PN-3");
        String waiting = s.accepted("patient-waiting", "RM-4");
        String waitingOld = s.synced("patient-waiting", "PN-4");

        s.clock.advance(KEPT.minusDays(10));
        s.synced("patient-busy", "RM-3");
        s.clock.advance(Duration.ofDays(11));

        assertThat(s.retention.purge()).isEqualTo(1);
        assertThat(s.store.find(quiet).orElseThrow().rawDocument()).isNull();
        assertThat(s.store.find(busyOld).orElseThrow().rawDocument())
                .as("patient has a newer document")
                .isNotNull();
        assertThat(s.store.find(waitingOld).orElseThrow().rawDocument())
                .as("patient has one on its way")
                .isNotNull();
        assertThat(s.store.find(waiting).orElseThrow().rawDocument()).isNotNull();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aPurgedRejectedDocumentCannotBeReplayed(DataSource db) {
        Setup s = new Setup(db);
        String rejected = s.accepted("patient-rejected", "CA-5");
        s.store.transition(
                rejected, DocumentState.ACCEPTED, DocumentState.REJECTED, "invalid", Change.withOutcome("{}"));
        s.clock.advance(KEPT.plusDays(1));

        assertThat(s.retention.purge()).isEqualTo(1);

        assertThat(s.outbox.replay(rejected).status()).isEqualTo(OperatorResult.Status.WRONG_STATE);
        assertThat(s.store.find(rejected).orElseThrow().state()).isEqualTo(DocumentState.REJECTED);
    }

    @Test
    void copiesKeptOutsideTheStoreArePurgedWithTheSameCutoff() {
        Setup s = new Setup(DB.h2());
        List<Instant> cutoffs = new ArrayList<>();
        RawDocumentCopies copies = new RawDocumentCopies() {
            @Override
            public int purgeBefore(Instant cutoff) {
                cutoffs.add(cutoff);
                return 2;
            }

            @Override
            public String description() {
                return "test copies";
            }
        };
        s.synced("patient-c", "CA-6");
        s.clock.advance(KEPT.plusDays(1));

        int purged = new DocumentRetention(
                        s.store, s.tx, new RetentionProperties(KEPT, "0 30 3 * * *"), List.of(copies))
                .purge();

        assertThat(purged).as("one document's raw text and two copies").isEqualTo(3);
        assertThat(cutoffs).containsExactly(s.clock.instant().minus(KEPT));
    }

    /** A fresh schema, store and retention job over one database, all on the test's clock. */
    static final class Setup {
        final TestClock clock = new TestClock(T0);
        final JdbcClient jdbc;
        final DocumentStore store;
        final TransactionTemplate tx;
        final DocumentRetention retention;
        final Outbox outbox;
        int n;

        Setup(DataSource db) {
            DB.fresh(db);
            jdbc = JdbcClient.create(db);
            store = new DocumentStore(jdbc, clock, true);
            tx = new TransactionTemplate(new DataSourceTransactionManager(db));
            retention = new DocumentRetention(store, tx, new RetentionProperties(KEPT, "0 30 3 * * *"), List.of());
            outbox = new Outbox(store, tx, new WriteLedger(jdbc, new DataSourceTransactionManager(db), clock));
        }

        String accepted(String patientKey, String documentId) {
            return store.insert(NewDocuments.of(
                    DocumentKind.CANDIDACY_ASSESSMENT,
                    documentId,
                    1,
                    patientKey,
                    OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusSeconds(n++),
                    null,
                    "{\"documentId\":\"" + documentId + "\"}"));
        }

        String synced(String patientKey, String documentId) {
            String id = accepted(patientKey, documentId);
            store.transition(id, DocumentState.ACCEPTED, DocumentState.SYNCED, "written", Change.none());
            return id;
        }
    }
}
