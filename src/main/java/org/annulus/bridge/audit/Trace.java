package org.annulus.bridge.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The whole chain of one or more clinic documents, as an auditor reads it: every stored version
 * (hash, state), what the mapping made of it, whether it passed validation, every attempt to send
 * it with the EHR's answer, the resources it left in the EHR (with their versions) and its
 * Provenance. No names, MRNs, birth dates, note text or clinical values: the patient appears as the
 * pseudonymous key of the business identifiers and as the EHR's Patient reference.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Trace(
        Map<String, String> query, OffsetDateTime tracedAt, Verification verification, List<Document> documents) {

    /** The local audit log's hash chain and checkpoint signatures, recomputed for this trace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(String status, long records, long checkpoints, ChainVerification.Break firstBroken) {}

    /**
     * An AuditEvent of the local log about this version: its place in the chain, what it records
     * (BALP type and subtype, action, outcome) and its record hash.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(
            long seq,
            java.time.Instant recorded,
            String type,
            String subtype,
            String action,
            String outcome,
            String recordSha256) {}

    /** One clinic document (kind + documentId), all its versions, and the documents linked to it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Document(
            String kind,
            String documentId,
            String patientKey,
            List<Version> versions,
            List<Link> buildsOn,
            List<Link> builtOnBy) {}

    /** A neighbouring document in the clinical chain: assessment, procedure note, milestone. */
    public record Link(String kind, String documentId, String trace) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Version(
            String trackingId,
            int version,
            String status,
            String source,
            OffsetDateTime receivedAt,
            String sha256,
            Source sourceCheck,
            String state,
            Mapping mapping,
            Validation validation,
            List<Attempt> attempts,
            List<EhrResource> resources,
            String provenance,
            List<Event> auditEvents) {}

    /**
     * The stored raw document against its SHA-256: {@code matches} recomputed now, or {@code purged}
     * (retention dropped the text; the hash stays and still identifies the document).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String check, OffsetDateTime purgedAt) {}

    /** What the mapping made: resources per type, and the consistency warnings it recorded. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mapping(OffsetDateTime at, int resources, Map<String, Integer> byType, List<String> warnings) {}

    /**
     * The profile gate: {@code passed}, {@code failed} (with each issue's severity, code and location;
     * the diagnostics text is left out because it can quote the document's values) or {@code not-run}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Validation(String result, String stage, List<Issue> issues) {}

    public record Issue(String severity, String code, List<String> expression) {}

    /** One send to the EHR: when, what was sent, what the EHR answered, what state it led to. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attempt(
            int number,
            OffsetDateTime startedAt,
            String request,
            OffsetDateTime endedAt,
            String answer,
            String result) {}

    /**
     * A resource this version's send left in the EHR. {@code role}: {@code mapped} (made from this
     * version), {@code retracted} (marked entered-in-error because this version no longer contains
     * it, or retracts the document) or {@code send-time} (the recovery plan, the Provenance).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EhrResource(
            String reference,
            String resourceType,
            String id,
            String version,
            String businessIdentifier,
            OffsetDateTime writtenAt,
            String role,
            String link,
            Boolean matched) {}
}
