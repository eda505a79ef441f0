package org.annulus.bridge.outbox;

import java.util.List;
import java.util.Optional;
import org.annulus.bridge.ledger.LedgerEntry;
import org.annulus.bridge.ledger.WriteLedger;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox's public face: accept a checked document durably, and tell where any document is. */
@Service
public class Outbox {

    private final DocumentStore store;
    private final TransactionTemplate tx;
    private final WriteLedger ledger;

    Outbox(DocumentStore store, TransactionTemplate tx, WriteLedger ledger) {
        this.store = store;
        this.tx = tx;
        this.ledger = ledger;
    }

    /** An operator's answer to CONFLICT or NEEDS_REVIEW. */
    public enum Resolution {
        /** CONFLICT: send again, overwriting what was changed in the EHR (still If-Match on its current version). */
        OVERWRITE,
        /** CONFLICT: the EHR's version stands; the document is SYNCED, later amendments build on that version. */
        KEEP_EHR,
        /**
         * CONFLICT or NEEDS_REVIEW: a person reconciled it in the EHR. Resources we know are there are
         * settled at the EHR's version; a create whose outcome was unknown was checked and is not there,
         * so the document is sent again to create it.
         */
        HANDLED
    }

    /** Resolves a held document; WRONG_STATE (409) when it is not, or no longer, in a state the resolution fits. */
    public OperatorResult resolve(String trackingId, Resolution resolution) {
        return tx.execute(status -> store.find(trackingId)
                .map(doc -> {
                    boolean fits = doc.state() == DocumentState.CONFLICT
                            || (doc.state() == DocumentState.NEEDS_REVIEW && resolution == Resolution.HANDLED);
                    if (!fits) {
                        return OperatorResult.wrongState(doc.state());
                    }
                    List<TrackedDocument.HeldResource> held = store.held(trackingId);
                    boolean resend =
                            resolution == Resolution.OVERWRITE || held.stream().anyMatch(this::mayExistUnknown);
                    DocumentState to = resend ? DocumentState.MAPPED : DocumentState.SYNCED;
                    String why =
                            switch (resolution) {
                                case OVERWRITE -> "an operator chose to overwrite the EHR's changes";
                                case KEEP_EHR -> "an operator kept the EHR's version";
                                case HANDLED -> "an operator marked it handled in the EHR";
                            };
                    if (!store.transition(trackingId, doc.state(), to, why, Change.replay())) {
                        return movedUnder(trackingId);
                    }
                    if (resolution != Resolution.OVERWRITE) {
                        settle(held, resolution == Resolution.HANDLED, trackingId);
                    }
                    store.overwriteEhrEdits(trackingId, resolution == Resolution.OVERWRITE);
                    return OperatorResult.done();
                })
                .orElse(OperatorResult.notFound()));
    }

    /**
     * A held create whose outcome was unknown (the ledger has its intent): "handled" says a person checked
     * it is not there, so the document is sent again to create it. A resource the plan could not write at
     * all has no intent: resending it would only hold it again.
     */
    private boolean mayExistUnknown(TrackedDocument.HeldResource h) {
        return h.serverId() == null
                && ledger.find(h.ehr(), h.businessIdentifier())
                        .map(LedgerEntry::mayExistUnknown)
                        .orElse(false);
    }

    /**
     * The EHR's version becomes the one the ledger knows: what we meant to write counts as settled. When
     * a person handled it, what the bridge could not write at all counts as filed by hand.
     */
    private void settle(List<TrackedDocument.HeldResource> held, boolean handled, String trackingId) {
        for (TrackedDocument.HeldResource h : held) {
            if (h.serverId() == null && handled && !mayExistUnknown(h) && h.contentSha256() != null) {
                ledger.recordFiledByHand(
                        h.ehr(), h.businessIdentifier(), h.resourceType(), h.contentSha256(), trackingId);
            } else if (h.serverId() == null) {
                ledger.recordNotWritten(h.ehr(), h.businessIdentifier());
            } else {
                ledger.recordWritten(
                        h.ehr(),
                        h.businessIdentifier(),
                        h.resourceType(),
                        h.serverId(),
                        h.ehrVersion() != null ? h.ehrVersion() : h.ourVersion(),
                        h.contentSha256(),
                        null);
            }
        }
    }

    /**
     * Stores the document unless this exact version is already here, or an earlier version of the
     * same document was about another patient (MRN and system as first accepted). When this returns, the
     * document is committed: that is the moment we may answer 202.
     */
    public AcceptResult accept(NewDocument doc) {
        try {
            return tx.execute(status -> store.firstVersion(doc.kind().code(), doc.documentId())
                    .filter(first -> !first.patientKey().equals(doc.patientKey()))
                    .<AcceptResult>map(first -> new AcceptResult.PatientConflict(first.trackingId()))
                    .orElseGet(() -> store.findVersion(doc.kind().code(), doc.documentId(), doc.version())
                            .<AcceptResult>map(existing -> existing.sha256().equals(doc.sha256())
                                    ? new AcceptResult.AlreadyAccepted(existing.trackingId())
                                    : new AcceptResult.VersionConflict(existing.trackingId()))
                            .orElseGet(() -> new AcceptResult.Accepted(store.insert(doc)))));
        } catch (DuplicateKeyException race) {
            // Two submissions of the same version raced; the unique key let one in. Answer as if sequential.
            return accept(doc);
        }
    }

    /**
     * An operator's answer to AWAITING_PATIENT_MATCH: the EHR Patient this document is about. The
     * document goes back to MAPPED and is sent to that patient.
     */
    public OperatorResult choosePatient(String trackingId, String ehrPatientId) {
        return tx.execute(status -> store.find(trackingId)
                .map(doc -> {
                    if (doc.state() != DocumentState.AWAITING_PATIENT_MATCH) {
                        return OperatorResult.wrongState(doc.state());
                    }
                    if (!store.transition(
                            trackingId,
                            doc.state(),
                            DocumentState.MAPPED,
                            "operator chose EHR Patient/" + ehrPatientId,
                            Change.replay())) {
                        return movedUnder(trackingId);
                    }
                    store.choosePatient(trackingId, ehrPatientId);
                    return OperatorResult.done();
                })
                .orElse(OperatorResult.notFound()));
    }

    /**
     * Runs a parked document again: DEAD and AWAITING_PATIENT_MATCH are sent again with a fresh
     * set of attempts; REJECTED is mapped and validated again (after a fix to the profiles, say).
     */
    public OperatorResult replay(String trackingId) {
        return tx.execute(status -> store.find(trackingId)
                .map(doc -> {
                    DocumentState to =
                            switch (doc.state()) {
                                case DEAD, AWAITING_PATIENT_MATCH -> DocumentState.MAPPED;
                                // a REJECTED document whose raw text was purged (retention) has nothing left to map
                                case REJECTED -> doc.rawDocument() == null ? null : DocumentState.ACCEPTED;
                                default -> null;
                            };
                    if (to == null || (to == DocumentState.MAPPED && doc.mappedBundle() == null)) {
                        return OperatorResult.wrongState(doc.state());
                    }
                    if (!store.transition(trackingId, doc.state(), to, "replayed by an operator", Change.replay())) {
                        return movedUnder(trackingId);
                    }
                    return OperatorResult.done();
                })
                .orElse(OperatorResult.notFound()));
    }

    /**
     * The document's state moved between reading it and the transition (another operator, a worker):
     * 409 with the state it is in now (this transaction reads what the other one committed).
     */
    private OperatorResult movedUnder(String trackingId) {
        return OperatorResult.wrongState(
                store.find(trackingId).map(StoredDocument::state).orElseThrow());
    }

    /** Replays every document in a parked state; returns how many were replayed. */
    public int replayAll(DocumentState state) {
        int replayed = 0;
        for (String trackingId : store.inState(state, 10_000)) {
            if (replay(trackingId).status() == OperatorResult.Status.DONE) {
                replayed++;
            }
        }
        return replayed;
    }

    /**
     * Lets the patient's later documents go past a parked one (DEAD, AWAITING_PATIENT_MATCH, CONFLICT,
     * NEEDS_REVIEW) without changing it: it stays parked for an operator, and holds back again once
     * replayed or resolved and parked anew. Releasing a released document changes nothing; WRONG_STATE
     * (409, with the current state) when it is not parked.
     */
    public OperatorResult release(String trackingId) {
        return tx.execute(status -> store.find(trackingId)
                .map(doc -> {
                    if (!DocumentState.PARKED.contains(doc.state())) {
                        return OperatorResult.wrongState(doc.state());
                    }
                    if (store.releaseParked(trackingId, doc.state())) {
                        return OperatorResult.done();
                    }
                    DocumentState now = store.find(trackingId).orElseThrow().state();
                    return now == doc.state() ? OperatorResult.done() : OperatorResult.wrongState(now);
                })
                .orElse(OperatorResult.notFound()));
    }

    public Optional<TrackedDocument> find(String trackingId) {
        return store.find(trackingId)
                .map(d -> new TrackedDocument(
                        d.trackingId(),
                        d.kind(),
                        d.documentId(),
                        d.version(),
                        d.docStatus(),
                        d.source(),
                        d.sha256(),
                        d.state(),
                        d.attempts(),
                        d.nextAttemptAt(),
                        d.receivedAt(),
                        d.updatedAt(),
                        d.outcome(),
                        store.history(d.trackingId()),
                        store.written(d.trackingId()),
                        store.held(d.trackingId()),
                        d.submitter(),
                        store.waitingFor(d.trackingId()).orElse(null)));
    }
}
