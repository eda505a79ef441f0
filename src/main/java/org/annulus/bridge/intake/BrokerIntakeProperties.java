package org.annulus.bridge.intake;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Broker intake settings (prefix {@code bridge.intake.broker}); the connection itself is Spring Boot's
 * {@code spring.rabbitmq.*}.
 *
 * @param enabled       consume the queue; off by default, so the quick start needs no broker
 * @param queue         the queue documents arrive on, one document per message (declared durable by the bridge)
 * @param rejectedQueue where a message that breaks the contract goes, with its OperationOutcome (declared
 *                      durable by the bridge); also the queue's dead-letter target
 * @param attempts      tries of one delivery while the store is unavailable before the message goes back to
 *                      the queue (unacknowledged) and is delivered again
 * @param retryDelay    pause between those tries
 */
@Validated
@ConfigurationProperties("bridge.intake.broker")
public record BrokerIntakeProperties(
        @DefaultValue("false") boolean enabled,

        @DefaultValue("annulus.documents") @NotNull @Pattern(regexp = QUEUE_NAME, message = QUEUE_RULE)
        String queue,

        @DefaultValue("annulus.documents.rejected") @NotNull @Pattern(regexp = QUEUE_NAME, message = QUEUE_RULE)
        String rejectedQueue,

        @DefaultValue("5") @Min(1) @Max(100) int attempts,

        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) @DurationMax(minutes = 5)
        Duration retryDelay) {

    /** AMQP 0-9-1 queue names are short strings; we also keep them printable and free of the reserved amq. prefix. */
    static final String QUEUE_NAME = "(?!amq\\.)[A-Za-z0-9._:-]{1,200}";

    static final String QUEUE_RULE = "1 to 200 of A-Z a-z 0-9 . _ : - and not starting with amq.";

    @AssertTrue(message = "rejected-queue must differ from queue: refused documents would come straight back")
    boolean isRejectedQueueDistinct() {
        return queue == null || !queue.equals(rejectedQueue);
    }
}
