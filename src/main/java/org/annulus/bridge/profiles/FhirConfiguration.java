package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one FhirContext of the application: building it is expensive, sharing it is safe. */
@Configuration(proxyBeanMethods = false)
class FhirConfiguration {

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }
}
