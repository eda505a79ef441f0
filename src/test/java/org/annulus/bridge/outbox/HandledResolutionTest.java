package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.annulus.bridge.ledger.LedgerEntry;
import org.annulus.bridge.ledger.WriteLedger;
import org.annulus.bridge.ledger.WriteMethod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator's "handled" on a document held for review: what the plan could not write at all (no
 * server id, no write ever sent) counts as filed by hand, in the write ledger, and the document is
 * SYNCED without a resend, which would only hold it again; a create whose outcome was unknown was
 * checked and is not there, so that document is sent again.
 */
class HandledResolutionTest {

    @RegisterExtension
    static final StoreDatabases DB = StoreDatabases.named("handled");

    static final String EHR = "https://ehr.example.org/fhir";
    static final String SHA = "c".repeat(64);

    ClockedStore s;
    WriteLedger ledger;
    Outbox outbox;

    @BeforeEach
    void freshStore() {
        s = ClockedStore.fresh(DB, DB.h2());
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(DB.h2());
        ledger = new WriteLedger(JdbcClient.create(DB.h2()), transactions, s.clock());
        outbox = new Outbox(s.store(), new TransactionTemplate(transactions), ledger);
    }

    @Test
    void whatNothingCouldFileIsRecordedAsFiledByHandAndTheDocumentIsSyncedWithoutAResend() {
        String id = reviewed("CA-H1", "sid|candidacy/CA-H1/pain-score");

        assertThat(outbox.resolve(id, Outbox.Resolution.HANDLED)).isEqualTo(OperatorResult.done());

        assertThat(s.store().find(id).orElseThrow().state()).isEqualTo(DocumentState.SYNCED);
        LedgerEntry entry = ledger.find(EHR, "sid|candidacy/CA-H1/pain-score").orElseThrow();
        assertThat(entry.filedByHand()).isTrue();
        assertThat(entry.contentSha256()).contains(SHA);
        assertThat(entry.serverId()).isEmpty();
    }

    @Test
    void aCreateOfUnknownOutcomeCheckedAndNotThereIsSentAgain() {
        String id = reviewed("CA-H2", "sid|candidacy/CA-H2/pain-score");
        ledger.recordIntent(EHR, "sid|candidacy/CA-H2/pain-score", "Observation", WriteMethod.CREATE, id);

        assertThat(outbox.resolve(id, Outbox.Resolution.HANDLED)).isEqualTo(OperatorResult.done());

        assertThat(s.store().find(id).orElseThrow().state()).isEqualTo(DocumentState.MAPPED);
        LedgerEntry entry = ledger.find(EHR, "sid|candidacy/CA-H2/pain-score").orElseThrow();
        assertThat(entry.pending()).as("checked: not there, create again").isEmpty();
        assertThat(entry.filedByHand()).isFalse();
    }

    /** A document in NEEDS_REVIEW holding one Observation without server id. */
    private String reviewed(String documentId, String businessIdentifier) {
        String id = s.accepted(documentId);
        assertThat(s.store().transition(id, DocumentState.ACCEPTED, DocumentState.NEEDS_REVIEW, "held", Change.none()))
                .isTrue();
        s.store()
                .recordHeld(
                        id,
                        List.of(new TrackedDocument.HeldResource(
                                "NEEDS_REVIEW",
                                "Observation",
                                businessIdentifier,
                                null,
                                null,
                                null,
                                SHA,
                                EHR,
                                "file this Observation by hand")));
        return id;
    }
}
