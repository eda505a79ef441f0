package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.core.io.ClassPathResource;

/**
 * The fictional patients every sandbox starts with ({@code sandbox/patients.json}). They carry
 * fixed ids, so a restart that replays the journal does not add them again, and edits made to
 * them through the API survive.
 */
final class PatientSeed {

    static final String LOCATION = "sandbox/patients.json";

    private final FhirContext fhirContext;

    PatientSeed(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    /** Stores the seed patients that the store does not hold yet; returns how many it stored. */
    int plantInto(SandboxStore store) {
        List<Resource> missing = patients().stream()
                .filter(p ->
                        store.current("Patient", p.getIdElement().getIdPart()).isEmpty())
                .map(Resource.class::cast)
                .toList();
        if (!missing.isEmpty()) {
            store.commit(missing);
        }
        return missing.size();
    }

    List<Patient> patients() {
        IParser parser = fhirContext.newJsonParser();
        // The entries' fullUrls are urn:uuids; the ids to keep are the resources' own.
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
        try (InputStream in = new ClassPathResource(LOCATION).getInputStream()) {
            Bundle bundle = parser.parseResource(Bundle.class, in);
            return bundle.getEntry().stream()
                    .map(Bundle.BundleEntryComponent::getResource)
                    .filter(Patient.class::isInstance)
                    .map(Patient.class::cast)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the sandbox seed " + LOCATION, e);
        }
    }
}
