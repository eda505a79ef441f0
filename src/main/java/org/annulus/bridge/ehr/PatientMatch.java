package org.annulus.bridge.ehr;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.PatientIdentity;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/** Finds the EHR Patient that carries the document's MRN: exactly one, or no match with the reason. */
@Component
class PatientMatch {

    Result find(IGenericClient client, PatientIdentity patient) {
        Bundle found = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(patient.mrnSystem(), patient.mrn()))
                .returnBundle(Bundle.class)
                .execute();
        List<String> ids = found.getEntry().stream()
                .filter(e -> e.getResource() instanceof Patient)
                .map(e -> e.getResource().getIdElement().getIdPart())
                .toList();
        if (ids.size() == 1) {
            return new Result(Optional.of(ids.get(0)), "matched by MRN", ids);
        }
        return new Result(Optional.empty(), ids.isEmpty()
                ? "no EHR patient has this MRN"
                : ids.size() + " EHR patients have this MRN", ids);
    }

    record Result(Optional<String> patientId, String reason, List<String> candidates) {
    }
}
