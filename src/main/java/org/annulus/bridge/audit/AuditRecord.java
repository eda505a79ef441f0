package org.annulus.bridge.audit;

import java.time.Instant;

/**
 * One stored record of the audit log.
 *
 * @param seq            its place in the chain, from 1, without gaps
 * @param recordedAt     when it was appended
 * @param kind           what the content is ({@code AuditEvent})
 * @param patient        the EHR patient reference it concerns ({@code Patient/123}), if known
 * @param trackingId     the tracking id of the document it concerns, if any
 * @param content        the content, a FHIR resource as JSON
 * @param contentSha256  SHA-256 (hex) of the content's UTF-8 bytes
 * @param previousSha256 the {@code recordSha256} of the record before (64 zeros before the first)
 * @param recordSha256   SHA-256 over seq, time, kind, patient, tracking id, content hash and previous hash
 */
public record AuditRecord(
        long seq,
        Instant recordedAt,
        String kind,
        String patient,
        String trackingId,
        String content,
        String contentSha256,
        String previousSha256,
        String recordSha256) {}
