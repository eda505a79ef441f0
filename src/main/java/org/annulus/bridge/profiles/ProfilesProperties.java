package org.annulus.bridge.profiles;

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
 */
@Validated
@ConfigurationProperties("bridge.profiles")
record ProfilesProperties(
        @DefaultValue("fhir-profiles") @NotNull Path dir) {}
