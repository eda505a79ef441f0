package org.annulus.bridge.profiles;

import jakarta.annotation.PostConstruct;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

/**
 * The {@code validator} health component, part of readiness: OUT_OF_SERVICE while the validator warms
 * up, UP once it has (with how long that took and how many reports came from memory), DOWN if the
 * warm-up failed. The warm-up runs beside the rest of start-up, so the bridge starts in seconds;
 * documents accepted meanwhile wait in the outbox, and the gate is never passed without validation
 * (a document that reaches it first waits for it). If it fails in the background (a profile of
 * {@code bridge.profiles.dir} that cannot be completed), the bridge stops, as start-up would have: it
 * must not take documents it cannot check. With {@code bridge.profiles.ready-before-start-up-ends=true}
 * start-up waits for it instead.
 */
@Component("validatorHealthIndicator")
class ValidatorReadiness implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ValidatorReadiness.class);

    private final ResourceValidator validator;
    private final ConfigurableApplicationContext context;

    ValidatorReadiness(ResourceValidator validator, ConfigurableApplicationContext context) {
        this.validator = validator;
        this.context = context;
    }

    /** A validator that could not be built in the background stops the bridge (built in place, it stopped start-up). */
    @PostConstruct
    void start() {
        validator.ready().whenComplete((millis, failure) -> {
            if (failure != null) {
                // A profile's failure names the profile and the directory, never a patient.
                log.error("FHIR validator could not be built; the bridge stops", failure);
                System.exit(SpringApplication.exit(context, () -> 1));
            }
        });
    }

    @Override
    public Health health() {
        CompletableFuture<Long> warmUp = validator.ready();
        if (!warmUp.isDone()) {
            return Health.outOfService().withDetail("validator", "warming up").build();
        }
        if (warmUp.isCompletedExceptionally()) {
            return Health.down()
                    .withDetail("validator", "warm-up failed; see the log")
                    .build();
        }
        CheckedContent.Counts counts = validator.checkedCounts();
        return Health.up()
                .withDetail("warmUpMillis", warmUp.join())
                .withDetail("reportsFromMemory", counts.fromMemory())
                .withDetail("resourcesValidated", counts.validated())
                .build();
    }
}
