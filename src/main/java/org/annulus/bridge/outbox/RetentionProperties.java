package org.annulus.bridge.outbox;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Retention settings (prefix {@code bridge.retention}).
 *
 * @param rawDocuments how long a document's raw text, and its file-drop copy, is kept once the document
 *                     is final (and its patient has had no newer document); then only the SHA-256, the
 *                     tracking history and the written-resource ledger remain
 * @param purgeCron    when the purge runs (Spring cron, server time zone)
 */
@Validated
@ConfigurationProperties("bridge.retention")
public record RetentionProperties(
        @DefaultValue("90d") @NotNull Duration rawDocuments,
        @DefaultValue("0 30 3 * * *") @NotBlank String purgeCron) {

    public RetentionProperties {
        if (rawDocuments != null && (rawDocuments.isNegative() || rawDocuments.isZero())) {
            throw new IllegalArgumentException("bridge.retention.raw-documents must be positive");
        }
    }
}
