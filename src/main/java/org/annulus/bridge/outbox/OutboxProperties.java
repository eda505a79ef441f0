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
 * @param retryFor      how long a document is retried after its first retryable failure (an EHR
 *                      outage, 5xx, timeouts, the circuit breaker holding it back) before it is
 *                      DEAD; the breaker holding it back counts no attempt
 * @param backoffBase   first retry delay's cap; doubled per failed send, with full jitter
 * @param backoffMax    cap on the retry delay (and on the EHR's Retry-After)
 * @param maxFailuresBeforeSend failures before the document could be sent (an unexpected error in
 *                      mapping or send-time composition) after which it is REJECTED
 * @param alertAfter    age of the oldest document on its way at which the {@code outbox} health
 *                      component turns DOWN
 * @param workers       documents worked at once by this instance (always of different patients)
 * @param parkedBlocksPatient whether a parked document (DEAD, AWAITING_PATIENT_MATCH, CONFLICT,
 *                      NEEDS_REVIEW) holds back its patient's later documents until an operator acts
 *                      (replays, resolves or releases it); false lets them overtake it
 * @param shutdownTimeout on shutdown (SIGTERM), how long sends under way may take to finish; the leases
 *                      of those still running then are released
 */
@Validated
@ConfigurationProperties("bridge.outbox")
public record OutboxProperties(
        @DefaultValue("20") @Min(1) @Max(500) int batchSize,
        @DefaultValue("2m") @NotNull Duration lease,
        @DefaultValue("24h") @NotNull Duration retryFor,
        @DefaultValue("2s") @NotNull Duration backoffBase,
        @DefaultValue("10m") @NotNull Duration backoffMax,
        @DefaultValue("5") @Min(1) @Max(100) int maxFailuresBeforeSend,
        @DefaultValue("15m") @NotNull Duration alertAfter,
        @DefaultValue("4") @Min(1) @Max(64) int workers,
        @DefaultValue("true") boolean parkedBlocksPatient,
        @DefaultValue("30s") @NotNull Duration shutdownTimeout) {}
