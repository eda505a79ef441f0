package org.annulus.bridge.mapping;

import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The clinic organisation the bridge writes for (prefix {@code bridge.clinic}). When set, every
 * Provenance names it as {@code agent.onBehalfOf} of the author and of this module, so an auditor
 * sees on whose behalf the EHR was written to. Unset (the default), no organisation is named.
 *
 * @param organizationSystem the identifier system of the clinic organisation (an absolute URI, e.g.
 *                           {@code http://hl7.org/fhir/sid/us-npi} for its organisational NPI)
 * @param organizationId     the clinic's identifier in that system
 * @param organizationName   its name, shown to readers of the Provenance
 */
@Validated
@ConfigurationProperties("bridge.clinic")
public record ClinicProperties(
        @Pattern(regexp = "^([A-Za-z][A-Za-z0-9+.\\-]*:\\S+)?$", message = "must be an absolute URI")
        String organizationSystem,

        @Pattern(regexp = "^[^\\s]{0,64}$", message = "must be at most 64 characters without spaces")
        String organizationId,

        String organizationName) {

    boolean configured() {
        return organizationSystem != null
                && !organizationSystem.isBlank()
                && organizationId != null
                && !organizationId.isBlank();
    }
}
