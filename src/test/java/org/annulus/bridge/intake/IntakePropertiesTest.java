package org.annulus.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The intake settings are validated at start-up: a wrong value stops it, naming the property. */
class IntakePropertiesTest {

    @Configuration
    @EnableConfigurationProperties({IntakeProperties.class, BrokerIntakeProperties.class})
    static class Bound {}

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Bound.class);

    @Test
    void defaultsAreFiveMinutesOfSkewAndFiveTries() {
        runner.run(context -> {
            IntakeProperties properties = context.getBean(IntakeProperties.class);
            assertThat(properties.clockSkew()).isEqualTo(Duration.ofMinutes(5));
            assertThat(properties.fileMaxAttempts()).isEqualTo(5);
        });
    }

    @Test
    void aSkewOverAnHourStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("bridge.intake.clock-skew=2h")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("clockSkew"));
    }

    @Test
    void aNegativeSkewOrZeroTriesStopStartUp() {
        runner.withPropertyValues("bridge.intake.clock-skew=-1s")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("bridge.intake.file-max-attempts=0").run(context -> assertThat(context)
                .hasFailed()
                .getFailure()
                .rootCause()
                .hasMessageContaining("fileMaxAttempts"));
    }

    @Test
    void brokerIntakeIsOffByDefaultOnTheDocumentedQueues() {
        runner.run(context -> {
            BrokerIntakeProperties broker = context.getBean(BrokerIntakeProperties.class);
            assertThat(broker.enabled()).isFalse();
            assertThat(broker.queue()).isEqualTo("annulus.documents");
            assertThat(broker.rejectedQueue()).isEqualTo("annulus.documents.rejected");
        });
    }

    @Test
    void aRejectedQueueEqualToTheQueueOrAReservedNameStopsStartUp() {
        runner.withPropertyValues("bridge.intake.broker.rejected-queue=annulus.documents")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("rejected-queue must differ"));
        runner.withPropertyValues("bridge.intake.broker.queue=amq.documents")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("queue"));
        runner.withPropertyValues("bridge.intake.broker.attempts=0")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("attempts"));
    }
}
