package org.annulus.bridge.ops;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpsConfiguration {

    /** One clock for every timestamp we store, so tests can reason about time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
