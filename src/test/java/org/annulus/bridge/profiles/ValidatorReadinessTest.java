package org.annulus.bridge.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.support.StaticApplicationContext;

/** Readiness waits for the validator; start-up need not (the warm-up runs beside it). */
class ValidatorReadinessTest {

    @Test
    void readinessIsOutOfServiceUntilTheBackgroundWarmUpIsDoneThenUpWithItsTime() {
        ResourceValidator validator = new ResourceValidator(
                Validators.FHIR, new ProfileDirectory(Validators.FHIR, Path.of("fhir-profiles")), 10, true);
        ValidatorReadiness readiness = new ValidatorReadiness(validator, new StaticApplicationContext());

        assertThat(readiness.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        readiness.start();

        await().atMost(Duration.ofMinutes(2))
                .until(() -> readiness.health().getStatus().equals(Status.UP));
        assertThat(readiness.health().getDetails()).containsKeys("warmUpMillis", "reportsFromMemory");
        // the sample of the warm-up is not a document: nothing was served from memory
        assertThat(readiness.health().getDetails()).containsEntry("reportsFromMemory", 0L);
    }

    @Test
    void withReadyBeforeStartUpEndsStartUpWaitsForTheWarmUp() {
        ValidatorReadiness readiness = new ValidatorReadiness(Validators.PROJECT, new StaticApplicationContext());

        readiness.start();

        assertThat(readiness.health().getStatus()).isEqualTo(Status.UP);
    }
}
