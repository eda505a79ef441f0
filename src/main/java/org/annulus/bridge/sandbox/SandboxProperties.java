package org.annulus.bridge.sandbox;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the sandbox EHR.
 *
 * @param enabled whether the sandbox FHIR server is mounted at {@code /sandbox/fhir}; off in production
 * @param dataDir where the sandbox keeps {@code journal.ndjson}, its only durable state
 */
@Validated
@ConfigurationProperties("bridge.sandbox")
public record SandboxProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @DefaultValue("./data/sandbox") Path dataDir) {

    Path journalFile() {
        return dataDir.resolve("journal.ndjson");
    }
}
