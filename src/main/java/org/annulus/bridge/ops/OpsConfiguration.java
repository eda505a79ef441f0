package org.annulus.bridge.ops;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The clock, and scheduling (retention purges). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class OpsConfiguration {

    /** One clock for every timestamp we store, so tests can reason about time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
