package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;

/**
 * One stored document version as the store holds it: its keys, raw text (null once retention purged
 * it), state and what the mapping made of it ({@code mappedBundle}, null until MAPPED).
 * {@code patientKey} is the MRN token ({@code system|mrn}); {@code relatedDocumentId} the document it
 * builds on, or null. {@code overwriteEhrEdits}: an operator chose to overwrite what was changed in
 * the EHR (resolving a CONFLICT); the next send does. {@code failingSince}: the first retryable
 * failure since the EHR last answered it (null when none), where the retry window starts;
 * {@code failuresBeforeSend}: failures before it could be sent (a poison document is REJECTED after a few).
 */
public record StoredDocument(
        String trackingId,
        String kind,
        String documentId,
        int version,
        String docStatus,
        String patientKey,
        String relatedDocumentId,
        String source,
        String sha256,
        String rawDocument,
        DocumentState state,
        int attempts,
        OffsetDateTime nextAttemptAt,
        String mappedBundle,
        String outcome,
        OffsetDateTime receivedAt,
        OffsetDateTime updatedAt,
        String ehrPatientId,
        String submitter,
        boolean overwriteEhrEdits,
        OffsetDateTime failingSince,
        int failuresBeforeSend) {

    /** Names the version by tracking id and state only: the rest may be PHI. */
    @Override
    public String toString() {
        return "StoredDocument[" + trackingId + ", " + state + "]";
    }
}
