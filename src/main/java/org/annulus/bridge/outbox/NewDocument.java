package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentStatus;

/**
 * A schema-checked document as intake hands it over: the raw text and the keys we index it by.
 * {@code submitter} is the API client that sent it (null for the file drop).
 */
public record NewDocument(
        DocumentKind kind,
        String documentId,
        int version,
        DocumentStatus docStatus,
        String patientKey,
        OffsetDateTime clinicalTime,
        String relatedDocumentId,
        String source,
        String sha256,
        String rawDocument,
        String submitter) {

    /** A document with no API client behind it (the file drop). */
    public NewDocument(
            DocumentKind kind,
            String documentId,
            int version,
            DocumentStatus docStatus,
            String patientKey,
            OffsetDateTime clinicalTime,
            String relatedDocumentId,
            String source,
            String sha256,
            String rawDocument) {
        this(
                kind,
                documentId,
                version,
                docStatus,
                patientKey,
                clinicalTime,
                relatedDocumentId,
                source,
                sha256,
                rawDocument,
                null);
    }
}
