package org.annulus.bridge.audit;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Audit log settings (prefix {@code bridge.audit}).
 *
 * @param checkpointEvery  a signed checkpoint after every this many records
 * @param retention        how long audit records are kept; independent of {@code bridge.retention.raw-documents}
 * @param purgeCron        when the audit purge runs (Spring cron, server time zone)
 * @param checkpointCron   when a signed checkpoint closes the chain as it stands (Spring cron)
 */
@Validated
@ConfigurationProperties("bridge.audit")
public record AuditProperties(
        @DefaultValue("100") @Min(1) int checkpointEvery,
        @DefaultValue("2190d") @NotNull Duration retention,
        @DefaultValue("0 45 3 * * *") @NotBlank String purgeCron,
        @DefaultValue("0 0 * * * *") @NotBlank String checkpointCron) {

    public AuditProperties {
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("bridge.audit.retention must be positive");
        }
    }
}
