package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.document.DocumentKind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a send is told of the patient's other documents ({@link Dispatch#history}), on H2 and
 * PostgreSQL: the newest usable version of each related document, the patient's only, and the
 * document's own earlier mapped versions. Raw texts here are just the document's name.
 */
class DocumentHistoryTest {

    @RegisterExtension
    static final StoreDatabases DB = StoreDatabases.named("history");

    static final String PATIENT = "urn:oid:1.2|MRN-1";

    static Stream<DataSource> databases() {
        return DB.both();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void eachKindSeesTheRecoveryPlansNoteItsBaselineAndTheNewestUsableMilestonesOfThePatient(DataSource db) {
        Setup s = new Setup(db);
        String assessment = s.store(DocumentKind.CANDIDACY_ASSESSMENT, "CA-1", 1, null, PATIENT, DocumentState.SYNCED);
        String note = s.store(DocumentKind.PROCEDURE_NOTE, "PN-1", 1, "CA-1", PATIENT, DocumentState.SYNCED);
        s.store(DocumentKind.RECOVERY_MILESTONE, "RM-2", 1, "PN-1", PATIENT, DocumentState.SYNCED);
        s.store(DocumentKind.RECOVERY_MILESTONE, "RM-1", 1, "PN-1", PATIENT, DocumentState.SYNCED);
        s.store(DocumentKind.RECOVERY_MILESTONE, "RM-1", 2, "PN-1", PATIENT, DocumentState.REJECTED);
        String last = s.store(DocumentKind.RECOVERY_MILESTONE, "RM-3", 1, "PN-1", PATIENT, DocumentState.ACCEPTED);
        s.store(DocumentKind.RECOVERY_MILESTONE, "RM-9", 1, "PN-1", "urn:oid:1.2|MRN-2", DocumentState.SYNCED);
        s.store(DocumentKind.PROCEDURE_NOTE, "PN-2", 1, "CA-2", PATIENT, DocumentState.SYNCED);

        DocumentHistory ofMilestone = s.history(last);
        DocumentHistory ofAssessment = s.history(assessment);
        DocumentHistory ofNote = s.history(note);

        for (DocumentHistory history : java.util.List.of(ofMilestone, ofAssessment, ofNote)) {
            assertThat(history.assessments()).containsExactly("CA-1 v1");
            assertThat(history.milestones()).containsExactly("RM-1 v1", "RM-2 v1", "RM-3 v1");
            assertThat(history.earlierVersions()).isEmpty();
        }
        assertThat(ofMilestone.procedureNotes()).containsExactly("PN-1 v1");
        assertThat(ofAssessment.procedureNotes()).containsExactly("PN-1 v1");
        assertThat(ofNote.procedureNotes()).as("a note is its own").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anAmendmentSeesItsEarlierMappedVersionsOldestFirst(DataSource db) {
        Setup s = new Setup(db);
        s.store(DocumentKind.CANDIDACY_ASSESSMENT, "CA-1", 1, null, PATIENT, DocumentState.SYNCED);
        s.store(DocumentKind.CANDIDACY_ASSESSMENT, "CA-1", 2, null, PATIENT, DocumentState.SYNCED);
        s.store(DocumentKind.CANDIDACY_ASSESSMENT, "CA-1", 3, null, PATIENT, DocumentState.REJECTED);
        String v4 = s.store(DocumentKind.CANDIDACY_ASSESSMENT, "CA-1", 4, null, PATIENT, DocumentState.MAPPED);

        assertThat(s.history(v4).earlierVersions())
                .extracting(DocumentHistory.EarlierVersion::rawDocument, DocumentHistory.EarlierVersion::mappedBundle)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("CA-1 v1", "bundle of CA-1 v1"),
                        org.assertj.core.groups.Tuple.tuple("CA-1 v2", "bundle of CA-1 v2"));
    }

    /** A fresh schema and the store's dispatch face over one database. */
    static final class Setup {
        final TestClock clock = new TestClock(Instant.parse("2026-03-02T10:00:00Z"));
        final DocumentStore store;
        final Dispatch dispatch;
        int n;

        Setup(DataSource db) {
            DB.fresh(db);
            store = new DocumentStore(JdbcClient.create(db), clock, true);
            dispatch = new Dispatch(store, new TransactionTemplate(new DataSourceTransactionManager(db)));
        }

        /** A document version in {@code state}; mapped (so with a bundle) unless ACCEPTED or REJECTED. */
        String store(
                DocumentKind kind,
                String documentId,
                int version,
                String related,
                String patientKey,
                DocumentState state) {
            String name = documentId + " v" + version;
            String id = store.insert(NewDocuments.of(
                    kind,
                    documentId,
                    version,
                    patientKey,
                    OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusSeconds(n++),
                    related,
                    name));
            if (state == DocumentState.ACCEPTED) {
                return id;
            }
            if (state == DocumentState.REJECTED) {
                store.transition(id, DocumentState.ACCEPTED, state, "test", Change.none());
                return id;
            }
            store.transition(
                    id, DocumentState.ACCEPTED, DocumentState.MAPPED, "test", Change.mapped("bundle of " + name));
            if (state != DocumentState.MAPPED) {
                store.transition(id, DocumentState.MAPPED, state, "test", Change.none());
            }
            return id;
        }

        DocumentHistory history(String trackingId) {
            return dispatch.history(dispatch.find(trackingId).orElseThrow());
        }
    }
}
