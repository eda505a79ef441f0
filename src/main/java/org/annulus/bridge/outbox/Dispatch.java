package org.annulus.bridge.outbox;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store's side of dispatch, for the sync module: find due documents, claim one under a lease, read one,
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
     * Up to {@code limit} documents due to be worked and not leased: at most one per patient, the one
     * its patient's order lets go next (a send in flight first, then the earliest by clinical time; a
     * parked earlier one holds the rest back unless released). Not claimed: each is claimed
     * ({@link #claim}) when its work starts.
     */
    public List<String> dueDocuments(int limit) {
        return tx.execute(status -> store.lockDue(limit));
    }

    /** {@link #dueDocuments(int)} leaving out {@code inHand}: documents already handed to this instance's workers. */
    public List<String> dueDocuments(int limit, Set<String> inHand) {
        return tx.execute(status -> store.lockDue(limit, inHand));
    }

    /**
     * Leases the document to {@code owner} for {@code lease} under a fresh token, if it is still due
     * and no one else holds it; empty when another worker got it first or it is no longer due.
     */
    public Optional<Lease> claim(String trackingId, String owner, Duration lease) {
        String token = UUID.randomUUID().toString();
        return Optional.ofNullable(tx.execute(
                status -> store.claim(trackingId, owner, token, store.now().plus(lease))
                        ? new Lease(trackingId, owner, token)
                        : null));
    }

    /** Extends the lease by {@code lease} from now; false when it was taken over or has ended. */
    public boolean renew(Lease held, Duration lease) {
        return Boolean.TRUE.equals(tx.execute(status ->
                store.renew(held.trackingId(), held.token(), store.now().plus(lease))));
    }

    /** Ends the lease if it still holds; the document's state stays workable for the next claim. */
    public boolean release(Lease held) {
        return Boolean.TRUE.equals(tx.execute(status -> store.release(held.trackingId(), held.token())));
    }

    public Optional<StoredDocument> find(String trackingId) {
        return store.find(trackingId);
    }

    /**
     * Moves the document from the state it was read in to {@code to}, and records why; false when
     * another worker moved it first or the lease was taken over (then nothing changes).
     */
    public boolean transition(Lease lease, StoredDocument doc, DocumentState to, String reason, Change change) {
        return Boolean.TRUE.equals(tx.execute(
                status -> store.transition(doc.trackingId(), doc.state(), to, reason, change, lease.token())));
    }

    /**
     * Records in the document's history what an EHR answered to a worker that no longer holds the
     * lease (it was taken over): the state stands; what was written is in the write ledger.
     */
    public void recordLateAnswer(Lease lease, String reason) {
        tx.executeWithoutResult(status -> store.recordEvent(lease.trackingId(), reason));
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
    public boolean recordSynced(Lease lease, List<TrackedDocument.WrittenResource> written, String reason) {
        String trackingId = lease.trackingId();
        return Boolean.TRUE.equals(tx.execute(status -> {
            if (!store.transition(
                    trackingId, DocumentState.SENDING, DocumentState.SYNCED, reason, Change.none(), lease.token())) {
                return false;
            }
            store.recordWritten(trackingId, written);
            store.recordHeld(trackingId, List.of());
            store.overwriteEhrEdits(trackingId, false);
            return true;
        }));
    }

    /**
     * Records what a send wrote and what it held back (a clinician's edit, an amendment the EHR
     * cannot apply), and parks the document in {@code to} (CONFLICT or NEEDS_REVIEW).
     */
    public boolean recordHeld(
            Lease lease,
            List<TrackedDocument.WrittenResource> written,
            List<TrackedDocument.HeldResource> held,
            DocumentState to,
            String reason) {
        String trackingId = lease.trackingId();
        return Boolean.TRUE.equals(tx.execute(status -> {
            if (!store.transition(trackingId, DocumentState.SENDING, to, reason, Change.none(), lease.token())) {
                return false;
            }
            store.recordWritten(trackingId, written);
            store.recordHeld(trackingId, held);
            store.overwriteEhrEdits(trackingId, false);
            return true;
        }));
    }

    /** What a send of the document needs to know of the patient's other documents, in one go. */
    public DocumentHistory history(StoredDocument doc) {
        return tx.execute(status -> store.history(doc));
    }
}
