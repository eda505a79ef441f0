package org.annulus.bridge.document;

import java.time.LocalDate;
import java.util.List;

/** Who the document is about, as the clinic knows the patient: the hospital MRN and demographics. */
public record PatientIdentity(String mrn, String mrnSystem, String family, List<String> given, LocalDate birthDate, String sex) {

    public PatientIdentity {
        given = given == null ? List.of() : List.copyOf(given);
    }

    /** {@code system|value}: the FHIR token that finds the patient in the EHR. */
    public String mrnToken() {
        return mrnSystem + "|" + mrn;
    }

    /** Keeps MRN and name out of logs and exception messages, should a record ever be printed. */
    @Override
    public String toString() {
        return "PatientIdentity[redacted]";
    }
}
