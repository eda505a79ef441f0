package org.annulus.bridge.profiles;

/**
 * The validator over the real {@code fhir-profiles/}, built and warmed up as the tests build it
 * ({@link Validators}): the JMH benchmarks use only its public {@code validate(Bundle)}.
 */
public final class ProjectValidator {

    private ProjectValidator() {}

    public static ResourceValidator get() {
        return Validators.PROJECT;
    }
}
