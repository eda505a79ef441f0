package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentStatus;

/** Documents as intake hands them to the store, for the store's tests: from the API, with a stand-in hash. */
final class NewDocuments {

    /** The SHA-256 every such document carries (the store keeps it, never recomputes it). */
    static final String SHA256 = "a".repeat(64);

    private NewDocuments() {}

    /** Version 1 is final, later versions amend it. */
    static NewDocument of(
            DocumentKind kind,
            String documentId,
            int version,
            String patientKey,
            OffsetDateTime clinicalTime,
            String relatedDocumentId,
            String rawDocument) {
        return new NewDocument(
                kind,
                documentId,
                version,
                version == 1 ? DocumentStatus.FINAL : DocumentStatus.AMENDED,
                patientKey,
                clinicalTime,
                relatedDocumentId,
                "api",
                SHA256,
                rawDocument,
                null);
    }
}
