package org.annulus.bridge.document;

import java.time.LocalDate;
import java.util.List;

/** Who the document is about, as the clinic knows the patient: the hospital MRN and demographics. */
public record PatientIdentity(
        String mrn, String mrnSystem, String family, List<String> given, LocalDate birthDate, String sex) {

    public PatientIdentity {
        given = given == null ? List.of() : List.copyOf(given);
    }

    /** {@code system|value}: the FHIR token that finds the patient in the EHR. */
    public String mrnToken() {
        return mrnSystem + "|" + mrn;
    }

    /**
     * The patient's part of the bridge's business identifiers in the EHR, {@code p} + 16 hex digits:
     * SHA-256 of {@code mrnSystem|mrn}, so that one document id can never address another patient's
     * resources, and no MRN is spelled out in identifiers (which tracking records and Provenance show).
     * Deliberately unkeyed: identifiers are permanent keys in a foreign system, so they must not
     * depend on a secret that could be lost or rotated. One-way, not secret: whoever holds an MRN can
     * compute it, so identifiers stay out of logs like MRNs do.
     */
    public String identifierKey() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("annulus-bridge patient key v1\n" + mrnSystem + "|" + mrn)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "p" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Keeps MRN and name out of logs and exception messages, should a record ever be printed. */
    @Override
    public String toString() {
        return "PatientIdentity[redacted]";
    }
}
