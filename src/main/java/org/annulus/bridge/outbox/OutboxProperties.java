package org.annulus.bridge.outbox;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Outbox settings (prefix {@code bridge.outbox}).
 *
 * @param batchSize     documents claimed per poll
 * @param lease         how long a claim protects a document from other workers; a crashed worker's
 *                      documents are picked up again once it runs out
 * @param maxAttempts   sends before a document is DEAD
 * @param backoffBase   first retry delay; doubled per attempt, with full jitter
 * @param backoffMax    cap on the retry delay
 * @param workers       documents worked at once by this instance (always of different patients)
 * @param shutdownTimeout on shutdown (SIGTERM), how long sends under way may take to finish; the leases
 *                      of those still running then are released
 */
@Validated
@ConfigurationProperties("bridge.outbox")
public record OutboxProperties(
        @DefaultValue("20") @Min(1) @Max(500) int batchSize,
        @DefaultValue("2m") @NotNull Duration lease,
        @DefaultValue("8") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("2s") @NotNull Duration backoffBase,
        @DefaultValue("10m") @NotNull Duration backoffMax,
        @DefaultValue("4") @Min(1) @Max(64) int workers,
        @DefaultValue("30s") @NotNull Duration shutdownTimeout) {}
