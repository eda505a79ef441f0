package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one FhirContext of the application: building it is expensive, sharing it is safe. */
@Configuration(proxyBeanMethods = false)
class FhirConfiguration {

    @Bean
    FhirContext fhirContext() {
        FhirContext fhir = FhirContext.forR4Cached();
        // A Provenance names the version it is about (Condition/123/_history/2); HAPI strips versions by default.
        fhir.getParserOptions()
                .setDontStripVersionsFromReferencesAtPaths("Provenance.target", "AuditEvent.entity.what");
        return fhir;
    }

    /**
     * Starts reading FHIR R4 core and US Core (the validator's longest set-up step, a few seconds) before
     * the context makes its first bean, so it runs beside the rest of start-up; the same cached context the
     * bean above returns.
     */
    @Bean
    static BeanFactoryPostProcessor standardDefinitionsLoading() {
        return beanFactory -> beanFactory.registerSingleton(
                "standardDefinitions", StandardDefinitions.Loading.start(FhirContext.forR4Cached()));
    }
}
