package org.annulus.bridge.intake;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Intake settings (prefix {@code bridge.intake}).
 *
 * @param inbox            file-drop directory; {@code processed/} and {@code rejected/} are made inside it
 * @param maxDocumentBytes largest document accepted
 * @param clockSkew        how far in the future a clinical date may lie (the clinic's clock running
 *                         ahead); at most an hour, so a wrong date cannot pass as skew
 * @param fileMaxAttempts  tries of a dropped file that keeps failing for other reasons than an
 *                         unreachable database, before it is moved to {@code rejected/}
 */
@Validated
@ConfigurationProperties("bridge.intake")
public record IntakeProperties(
        @DefaultValue("./data/inbox") @NotNull Path inbox,
        @DefaultValue("1048576") @Min(1024) int maxDocumentBytes,

        @DefaultValue("5m") @NotNull @DurationMin(seconds = 0) @DurationMax(hours = 1)
        Duration clockSkew,

        @DefaultValue("5") @Min(1) @Max(100) int fileMaxAttempts) {}
