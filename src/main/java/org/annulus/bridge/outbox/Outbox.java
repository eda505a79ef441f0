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
     * Stores the document unless this exact version is already here. When this returns, the
     * document is committed: that is the moment we may answer 202.
     */
    public AcceptResult accept(NewDocument doc) {
        try {
            return tx.execute(status -> store.findVersion(doc.kind(), doc.documentId(), doc.version())
                    .<AcceptResult>map(existing -> existing.sha256().equals(doc.sha256())
                            ? new AcceptResult.AlreadyAccepted(existing.trackingId())
                            : new AcceptResult.VersionConflict(existing.trackingId()))
                    .orElseGet(() -> new AcceptResult.Accepted(store.insert(doc))));
        } catch (DuplicateKeyException race) {
            // Two submissions of the same version raced; the unique key let one in. Answer as if sequential.
            return accept(doc);
        }
    }

    public Optional<TrackedDocument> find(String trackingId) {
        return store.find(trackingId).map(d -> new TrackedDocument(d.trackingId(), d.kind(), d.documentId(),
                d.version(), d.docStatus(), d.source(), d.sha256(), d.state(), d.attempts(), d.nextAttemptAt(),
                d.receivedAt(), d.updatedAt(), d.outcome(), store.history(d.trackingId()),
                store.written(d.trackingId())));
    }
}
