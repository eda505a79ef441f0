package org.annulus.bridge.intake;

import java.util.Map;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.retry.ImmediateRequeueMessageRecoverer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.backoff.FixedBackOffPolicy;
import org.springframework.retry.interceptor.RetryOperationsInterceptor;

/**
 * What the {@code intake-broker} route needs besides its bean: the two queues, declared by the bridge
 * (durable) when broker intake is on, and the consumer's retry while the store is unavailable.
 */
@Configuration(proxyBeanMethods = false)
class BrokerIntakeConfiguration {

    /**
     * Tries of one delivery with a pause between them; after the last, the message goes back to the queue
     * (rejected with requeue) and is delivered again. The recoverer is what makes it so: without one, Spring
     * AMQP's stateless retry logs "dropped on recovery" and acknowledges the message, which would lose it.
     */
    @Bean("brokerRetry")
    RetryOperationsInterceptor brokerRetry(BrokerIntakeProperties properties) {
        FixedBackOffPolicy pause = new FixedBackOffPolicy();
        pause.setBackOffPeriod(properties.retryDelay().toMillis());
        return RetryInterceptorBuilder.stateless()
                .maxAttempts(properties.attempts())
                .backOffPolicy(pause)
                .recoverer(new ImmediateRequeueMessageRecoverer())
                .build();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "bridge.intake.broker.enabled", havingValue = "true")
    static class Queues {

        /**
         * The intake queue. A message the broker itself dead-letters (the listener container refuses one it
         * cannot convert at all) goes to the rejected queue too, through the default exchange.
         */
        @Bean
        Queue intakeQueue(BrokerIntakeProperties properties) {
            return new Queue(
                    properties.queue(),
                    true,
                    false,
                    false,
                    Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", properties.rejectedQueue()));
        }

        @Bean
        Queue rejectedQueue(BrokerIntakeProperties properties) {
            return new Queue(properties.rejectedQueue(), true, false, false);
        }
    }
}
