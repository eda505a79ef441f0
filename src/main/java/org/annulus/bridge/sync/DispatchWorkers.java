package org.annulus.bridge.sync;

import java.util.concurrent.ExecutorService;
import org.annulus.bridge.outbox.OutboxProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The thread pool the dispatch route's split works documents on ({@code executorService:
 * outboxWorkers}), sized by {@code bridge.outbox.workers}. Bound in Camel's registry rather than
 * exposed as a Spring Executor bean, so Spring Boot's own task executor is left as it is.
 */
@Configuration(proxyBeanMethods = false)
class DispatchWorkers {

    static final String NAME = "outboxWorkers";

    @Bean
    CamelContextConfiguration outboxWorkersPool(OutboxProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                ExecutorService pool = context.getExecutorServiceManager()
                        .newFixedThreadPool(DispatchWorkers.class, "outbox-worker", properties.workers());
                context.getRegistry().bind(NAME, ExecutorService.class, pool);
            }

            @Override
            public void afterApplicationStart(CamelContext context) {}
        };
    }
}
