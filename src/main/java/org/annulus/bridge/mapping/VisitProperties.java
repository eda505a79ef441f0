package org.annulus.bridge.mapping;

import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the EHR identifies visits (prefix {@code bridge.visits}). A document's {@code visit} (contract
 * v1.1) is the hospital's visit number; with {@code identifier-system} set, each resource of that
 * document references the EHR Encounter with the identifier {@code identifier-system|visit}, and the
 * EHR writer turns it into a literal {@code Encounter/<id>} when the EHR finds it for the patient.
 * Unset (the default), no Encounter is referenced: the bridge never invents one.
 *
 * @param identifierSystem the EHR's identifier system for visit (encounter) numbers, an absolute URI,
 *                         e.g. {@code urn:oid:2.16.840.1.113883.19.5.99999.2}
 */
@Validated
@ConfigurationProperties("bridge.visits")
public record VisitProperties(
        @Pattern(
                regexp = "^([A-Za-z][A-Za-z0-9+.\\-]*:\\S+)?$",
                message = "must be an absolute URI (the EHR's visit identifier system), e.g. urn:oid:1.2.3")
        String identifierSystem) {

    boolean configured() {
        return identifierSystem != null && !identifierSystem.isBlank();
    }
}
