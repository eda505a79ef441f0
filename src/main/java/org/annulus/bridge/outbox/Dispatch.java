package org.annulus.bridge.outbox;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store's side of dispatch, for the sync module: claim due documents under a lease, read one,
 * move it from state to state (each move recorded in its history), record what the EHR wrote, and
 * load what a send needs to know of the patient's other documents. Each method is one transaction.
 */
@Service
public class Dispatch {

    private final DocumentStore store;
    private final TransactionTemplate tx;

    Dispatch(DocumentStore store, TransactionTemplate tx) {
        this.store = store;
        this.tx = tx;
    }

    /** The store's clock (UTC). */
    public OffsetDateTime now() {
        return store.now();
    }

    /**
     * Claims up to {@code limit} due documents for {@code owner} for {@code lease} (SKIP LOCKED): at
     * most one per patient, the one its patient's order lets go next (a send in flight first, then the
     * earliest by clinical time; a parked earlier one holds the rest back unless released). Returns
     * their tracking ids.
     */
    public List<String> claimDue(int limit, String owner, Duration lease) {
        return tx.execute(status -> {
            List<String> ids = store.lockDue(limit);
            store.lease(ids, owner, store.now().plus(lease));
            return ids;
        });
    }

    public Optional<StoredDocument> find(String trackingId) {
        return store.find(trackingId);
    }

    /**
     * Moves the document from the state it was read in to {@code to}, and records why; false when
     * another worker moved it first (then nothing changes).
     */
    public boolean transition(StoredDocument doc, DocumentState to, String reason, Change change) {
        return Boolean.TRUE.equals(
                tx.execute(status -> store.transition(doc.trackingId(), doc.state(), to, reason, change)));
    }

    /**
     * The newer version of the same document that makes this one superseded: already in the EHR,
     * or arrived before this one did.
     */
    public Optional<Integer> supersedingVersion(StoredDocument doc) {
        return store.supersedingVersion(doc);
    }

    /**
     * SENDING to SYNCED, with the EHR resources the send wrote, together; false when the document
     * was no longer SENDING (then nothing changes).
     */
    public boolean recordSynced(String trackingId, List<TrackedDocument.WrittenResource> written, String reason) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            store.recordWritten(trackingId, written);
            store.recordHeld(trackingId, List.of());
            store.overwriteEhrEdits(trackingId, false);
            return store.transition(trackingId, DocumentState.SENDING, DocumentState.SYNCED, reason, Change.none());
        }));
    }

    /**
     * Records what a send wrote and what it held back (a clinician's edit, an amendment the EHR
     * cannot apply), and parks the document in {@code to} (CONFLICT or NEEDS_REVIEW).
     */
    public boolean recordHeld(
            String trackingId,
            List<TrackedDocument.WrittenResource> written,
            List<TrackedDocument.HeldResource> held,
            DocumentState to,
            String reason) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            store.recordWritten(trackingId, written);
            store.recordHeld(trackingId, held);
            store.overwriteEhrEdits(trackingId, false);
            return store.transition(trackingId, DocumentState.SENDING, to, reason, Change.none());
        }));
    }

    /** What a send of the document needs to know of the patient's other documents, in one go. */
    public DocumentHistory history(StoredDocument doc) {
        return tx.execute(status -> store.history(doc));
    }
}
