package org.annulus.bridge.profiles;

import java.nio.file.Path;

/**
 * The validator over the real {@code fhir-profiles/} for the JMH benchmarks (they use only its public
 * {@code validate(Bundle)}): {@link #fresh()} keeps no reports, so every call is validated in full as a
 * new document is; {@link #remembering()} is the bridge's default (reports kept by content hash), what
 * a resend costs.
 */
public final class ProjectValidator {

    private ProjectValidator() {}

    public static ResourceValidator fresh() {
        ResourceValidator validator = new ResourceValidator(
                Validators.FHIR, new ProfileDirectory(Validators.FHIR, Path.of("fhir-profiles")), 0, false);
        validator.warmUp();
        return validator;
    }

    public static ResourceValidator remembering() {
        return Validators.PROJECT;
    }
}
