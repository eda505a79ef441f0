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
        String submitter) {}
