package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** One validator over the real {@code fhir-profiles/} for all tests of a run: building it takes seconds. */
final class Validators {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final ResourceValidator PROJECT = create(Path.of("fhir-profiles"));

    private Validators() {}

    /** The report's errors, one a line with where they are: what a failed assertion should show. */
    static String errorsOf(ValidationReport report) {
        return report.errors().stream()
                .map(i -> i.location() + " " + i.message())
                .collect(Collectors.joining("\n"));
    }

    static ResourceValidator create(Path profilesDir) {
        ResourceValidator validator = new ResourceValidator(FHIR, new ProfileDirectory(FHIR, profilesDir));
        validator.warmUp();
        return validator;
    }
}
