package org.annulus.bridge.ehr;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the EHR is (prefix {@code bridge.ehr}).
 *
 * @param baseUrl        FHIR base URL of the EHR; empty means the in-process sandbox EHR
 * @param connectTimeout TCP connect timeout for every EHR call
 * @param readTimeout    response timeout for every EHR call
 * @param breakerOpen    how long the circuit breaker, once open (half of the recent calls failed), lets no
 *                       call through before one probe; documents wait meanwhile without counting an attempt
 * @param probeInterval  how long health reuses its last EHR check: at most one probe (and so at most one
 *                       token request) per interval, however often health is called
 * @param profile        which kind of EHR this is ({@code hapi}, {@code epic}, {@code oracle-health} or
 *                       {@code generic}): what its CapabilityStatement does not say, from
 *                       {@code ehr-profiles/<profile>.yaml}. Not guessed from the statement's software
 *                       name, which hospitals' gateways rewrite; {@code generic} trusts the statement alone
 */
@Validated
@ConfigurationProperties("bridge.ehr")
public record EhrProperties(
        @DefaultValue("") String baseUrl,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("30s") @NotNull Duration readTimeout,
        @DefaultValue("30s") @NotNull Duration probeInterval,

        @DefaultValue("generic")
        @NotNull
        @Pattern(
                regexp = "hapi|epic|oracle-health|generic",
                message = "must be one of the shipped EHR profiles: hapi, epic, oracle-health, generic")
        String profile,

        @DefaultValue("30s") @NotNull Duration breakerOpen) {

    public boolean usesSandbox() {
        return baseUrl == null || baseUrl.isBlank();
    }
}
