package org.annulus.bridge.outbox;

import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox's public face: accept a checked document durably, and tell where any document is. */
@Service
public class Outbox {

    private final DocumentStore store;
    private final TransactionTemplate tx;

    Outbox(DocumentStore store, TransactionTemplate tx) {
        this.store = store;
        this.tx = tx;
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
                    store.choosePatient(trackingId, ehrPatientId);
                    store.transition(
                            trackingId,
                            doc.state(),
                            DocumentState.MAPPED,
                            "operator chose EHR Patient/" + ehrPatientId,
                            Change.replay());
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
                    store.transition(trackingId, doc.state(), to, "replayed by an operator", Change.replay());
                    return OperatorResult.done();
                })
                .orElse(OperatorResult.notFound()));
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
                        d.submitter()));
    }
}
