package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;

/** A schema-checked document as intake hands it over: the raw text and the keys we index it by. */
public record NewDocument(String kind, String documentId, int version, String docStatus, String patientKey,
        OffsetDateTime clinicalTime, String relatedDocumentId, String source, String sha256, String rawDocument) {
}
