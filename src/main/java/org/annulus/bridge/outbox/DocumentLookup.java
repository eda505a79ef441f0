package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.PatientIdentity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Read-only look-ups for auditors (the trace and the export): which stored document versions
 * belong to a document, wrote an EHR resource, or are about a patient. Returns tracking ids;
 * {@link Outbox#find} tells the rest. Never changes anything.
 */
@Service
public class DocumentLookup {

    private final JdbcClient jdbc;

    DocumentLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every stored version of the documents with this clinic id (of any kind), oldest version first. */
    public List<String> versions(String documentId) {
        return jdbc.sql(
                        "select tracking_id from clinical_document where document_id = ? order by kind, doc_version, received_at")
                .param(documentId)
                .query(String.class)
                .list();
    }

    /** The versions whose sends wrote this EHR resource (or found it there), oldest first. */
    public List<String> writersOf(String resourceType, String serverId) {
        return jdbc.sql("""
                select w.tracking_id from written_resource w join clinical_document d on d.tracking_id = w.tracking_id
                where w.resource_type = ? and w.server_id = ? order by w.written_at, d.doc_version""").params(resourceType, serverId).query(String.class).list();
    }

    /**
     * The versions about a patient given as an MRN ({@code system|mrn}, or the MRN alone, any
     * system), oldest first.
     */
    public List<String> ofMrn(String mrn) {
        return mrn.contains("|")
                ? jdbc.sql("select tracking_id from clinical_document where patient_key = ? order by received_at")
                        .param(mrn)
                        .query(String.class)
                        .list()
                : jdbc
                        .sql("select tracking_id, patient_key from clinical_document order by received_at")
                        .query((rs, n) -> rs.getString(2).endsWith("|" + mrn) ? rs.getString(1) : null)
                        .list()
                        .stream()
                        .filter(java.util.Objects::nonNull)
                        .toList();
    }

    /**
     * The versions sent to an EHR Patient: chosen by an operator, or written for it (the SYNCED entry of
     * the history names the patient the EHR matched). {@code ehrPatientId} must be a FHIR id.
     */
    public List<String> ofEhrPatient(String ehrPatientId) {
        if (!ehrPatientId.matches("[A-Za-z0-9.-]{1,64}")) {
            throw new IllegalArgumentException("not a FHIR id");
        }
        return jdbc
                .sql("""
                select d.tracking_id from clinical_document d
                where d.ehr_patient_id in (:id, :ref) or exists (
                    select 1 from document_transition t where t.tracking_id = d.tracking_id and t.to_state = 'SYNCED'
                      and t.reason like :synced)
                order by d.received_at""")
                .param("id", ehrPatientId)
                .param("ref", "Patient/" + ehrPatientId)
                .param("synced", "% for Patient/" + ehrPatientId)
                .query(String.class)
                .list()
                .stream()
                .distinct()
                .toList();
    }

    /** What the tracking resource does not tell: the auditor's view of a stored version. */
    public Optional<Facts> facts(String trackingId) {
        return jdbc.sql("""
                select patient_key, related_document_id, mapped_bundle, raw_purged_at, raw_document, sha256
                from clinical_document where tracking_id = ?""")
                .param(trackingId)
                .query((rs, n) -> new Facts(
                        patientKey(rs.getString(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class),
                        rs.getString(5) == null ? null : sha256(rs.getString(5)).equals(rs.getString(6))))
                .optional();
    }

    /** Documents that build on this one (a procedure note on its assessment, a milestone on its note). */
    public List<String> buildingOn(String documentId) {
        return jdbc.sql(
                        "select tracking_id from clinical_document where related_document_id = ? order by kind, document_id, doc_version")
                .param(documentId)
                .query(String.class)
                .list();
    }

    /**
     * @param patientKey     the patient's pseudonymous key ({@code p} + 16 hex digits, as in the business
     *                       identifiers), never the MRN
     * @param relatedDocumentId the document this one builds on, or null
     * @param mappedBundle   the FHIR bundle the mapping made (null until mapped)
     * @param rawPurgedAt    when retention dropped the raw text, or null
     * @param rawMatchesSha256 whether the stored raw text still hashes to the stored SHA-256; null once purged
     */
    public record Facts(
            String patientKey,
            String relatedDocumentId,
            String mappedBundle,
            OffsetDateTime rawPurgedAt,
            Boolean rawMatchesSha256) {}

    private static String sha256(String raw) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The stored column is the MRN token {@code system|mrn}; auditors get the identifiers' key instead. */
    private static String patientKey(String mrnToken) {
        int bar = mrnToken.lastIndexOf('|');
        return new PatientIdentity(
                        mrnToken.substring(bar + 1), mrnToken.substring(0, Math.max(bar, 0)), null, null, null, null)
                .identifierKey();
    }
}
