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
        Bundle found = client.search()
                .forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(patient.mrnSystem(), patient.mrn()))
                .returnBundle(Bundle.class)
                .execute();
        // A searchset may hold OperationOutcome entries too (search.mode = outcome): only Patients count.
        List<Patient> patients = found.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Patient.class::isInstance)
                .map(Patient.class::cast)
                .toList();
        List<String> ids =
                patients.stream().map(p -> p.getIdElement().getIdPart()).toList();
        if (ids.size() == 1) {
            if (!demographicsAgree(patients.get(0), patient)) {
                // Same MRN, different person on paper: a wrong MRN at the clinic or a merge in the EHR.
                return new Result(
                        Optional.empty(),
                        "the EHR patient with this MRN has a different family name " + "or birth date",
                        ids);
            }
            return new Result(Optional.of(ids.get(0)), "matched by MRN", ids);
        }
        return new Result(
                Optional.empty(),
                ids.isEmpty() ? "no EHR patient has this MRN" : ids.size() + " EHR patients have this MRN",
                ids);
    }

    /** The operator's choice, checked to exist. */
    Result confirm(IGenericClient client, String patientId) {
        Patient chosen = client.read().resource(Patient.class).withId(patientId).execute();
        return new Result(Optional.of(chosen.getIdElement().getIdPart()), "chosen by an operator", List.of(patientId));
    }

    private static boolean demographicsAgree(Patient ehr, PatientIdentity document) {
        boolean family = ehr.getName().stream()
                .anyMatch(n -> n.hasFamily() && n.getFamily().equalsIgnoreCase(document.family()));
        boolean birthDate = !ehr.hasBirthDate()
                || document.birthDate() == null
                || ehr.getBirthDateElement()
                        .getValueAsString()
                        .equals(document.birthDate().toString());
        return family && birthDate;
    }

    record Result(Optional<String> patientId, String reason, List<String> candidates) {}
}
