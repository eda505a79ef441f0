package org.annulus.bridge.profiles;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Validation settings (prefix {@code bridge.profiles}).
 *
 * @param dir directory of our own FHIR conformance resources ({@code *.json}: StructureDefinitions,
 *            ValueSets, CodeSystems, the recovery PlanDefinition the mapping follows, ...); read from the
 *            file system, not the jar, so that hospital IT sees what the gate checks. Relative to the
 *            working directory.
 * @param checkedCacheSize validation reports kept by content hash (SHA-256 of the resource's JSON):
 *            a resend, or an amendment's unchanged resources, is not validated again; 0 keeps none
 * @param readyBeforeStartUpEnds whether start-up waits for the validator's warm-up (true) or lets it
 *            run in the background with readiness OUT_OF_SERVICE until it is done (false, the default)
 */
@Validated
@ConfigurationProperties("bridge.profiles")
record ProfilesProperties(
        @DefaultValue("fhir-profiles") @NotNull Path dir,

        @DefaultValue("" + DEFAULT_CHECKED_CACHE_SIZE) @Min(0) @Max(1_000_000)
        int checkedCacheSize,

        @DefaultValue("false") boolean readyBeforeStartUpEnds) {

    static final int DEFAULT_CHECKED_CACHE_SIZE = 10_000;
}
