package org.annulus.bridge.intake;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Intake settings (prefix {@code bridge.intake}).
 *
 * @param inbox            file-drop directory; {@code processed/} and {@code rejected/} are made inside it
 * @param maxDocumentBytes largest document accepted
 */
@Validated
@ConfigurationProperties("bridge.intake")
public record IntakeProperties(
        @DefaultValue("./data/inbox") @NotNull Path inbox,
        @DefaultValue("1048576") @Min(1024) int maxDocumentBytes) {
}
