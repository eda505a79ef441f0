package org.annulus.bridge.sandbox;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the sandbox EHR.
 *
 * @param enabled       whether the sandbox FHIR server is mounted at {@code /sandbox/fhir}; off in production
 * @param dataDir       where the sandbox keeps {@code journal.ndjson}, its only durable state
 * @param clientId      the one client its token endpoint knows (the bridge's default sandbox client id)
 * @param clientJwksUrl where the client's public keys are; empty means this process's {@code /.well-known/jwks.json}
 * @param tokenLifetime lifetime of the access tokens it issues
 * @param requireToken  whether its FHIR endpoint refuses requests without a valid bearer token (401)
 * @param publicReads   whether reads and searches without any token are let through, so people can
 *                      browse the fictional data with curl; writes always need the token, and a
 *                      token that is presented must be valid
 * @param devTokenLifetime lifetime of the development tokens for the bridge's own API (demo clinic, operator,
 *                      auditor) that the sandbox token endpoint issues
 */
@Validated
@ConfigurationProperties("bridge.sandbox")
public record SandboxProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("./data/sandbox") Path dataDir,
        @NotBlank @DefaultValue("annulus-bridge-sandbox") String clientId,
        URI clientJwksUrl,
        @NotNull @DefaultValue("5m") Duration tokenLifetime,
        @DefaultValue("true") boolean requireToken,
        @DefaultValue("true") boolean publicReads,
        @NotNull @DefaultValue("1h") Duration devTokenLifetime) {

    Path journalFile() {
        return dataDir.resolve("journal.ndjson");
    }
}
