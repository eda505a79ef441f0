package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Mounts the sandbox EHR at {@code /sandbox/fhir} unless {@code bridge.sandbox.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "bridge.sandbox.enabled", havingValue = "true", matchIfMissing = true)
class SandboxConfiguration {

    static final String SOFTWARE_NAME = "Annulus Bridge sandbox EHR (not for clinical use)";

    private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

    @Bean(destroyMethod = "close")
    SandboxStore sandboxStore(SandboxProperties properties, FhirContext fhirContext) {
        SandboxStore store = new SandboxStore(
                new ResourceJournal(properties.journalFile(), fhirContext), Clock.systemUTC());
        int planted = new PatientSeed(fhirContext).plantInto(store);
        log.info("Sandbox EHR journal {}: {} patients ({} fictional patients added from {})",
                properties.journalFile().toAbsolutePath(), store.count("Patient"), planted, PatientSeed.LOCATION);
        return store;
    }

    @Bean
    SandboxEhr sandboxEhr(SandboxStore sandboxStore) {
        return new SandboxEhr(sandboxStore);
    }

    @Bean
    SandboxAuthorizationServer sandboxAuthorizationServer(SandboxProperties properties) {
        return new SandboxAuthorizationServer(properties, Clock.systemUTC());
    }

    /** Discovery document and token endpoint: the sandbox admits the bridge the way a hospital EHR does. */
    @Bean
    ServletRegistrationBean<SandboxAuthServlet> sandboxAuthServlet(SandboxAuthorizationServer authorizationServer,
            SandboxProperties properties) {
        ServletRegistrationBean<SandboxAuthServlet> registration = new ServletRegistrationBean<>(
                new SandboxAuthServlet(authorizationServer), SandboxAuthServlet.DISCOVERY_PATH, SandboxAuthServlet.TOKEN_PATH);
        registration.setName("sandboxAuth");
        log.info("Sandbox token endpoint at {}: admits client {} by private_key_jwt", SandboxAuthServlet.TOKEN_PATH,
                properties.clientId());
        return registration;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> sandboxFhirServlet(SandboxStore store, FhirContext fhirContext,
            SandboxAuthorizationServer authorizationServer, SandboxProperties properties) {
        List<StoredResourceProvider<?>> providers = List.of(
                new IdentifiedResourceProvider<>(Patient.class, store, fhirContext),
                new IdentifiedResourceProvider<>(Practitioner.class, store, fhirContext),
                new IdentifiedResourceProvider<>(Organization.class, store, fhirContext),
                new IdentifiedResourceProvider<>(PlanDefinition.class, store, fhirContext),
                new IdentifiedResourceProvider<>(Medication.class, store, fhirContext),
                new PatientRecordProvider<>(Condition.class, store, fhirContext),
                new PatientRecordProvider<>(Observation.class, store, fhirContext),
                new PatientRecordProvider<>(Procedure.class, store, fhirContext),
                new PatientRecordProvider<>(CarePlan.class, store, fhirContext),
                new PatientRecordProvider<>(Goal.class, store, fhirContext),
                new PatientRecordProvider<>(ServiceRequest.class, store, fhirContext),
                new PatientRecordProvider<>(DocumentReference.class, store, fhirContext),
                new PatientRecordProvider<>(MedicationAdministration.class, store, fhirContext),
                new TraceResourceProvider<>(Provenance.class, store, fhirContext),
                new TraceResourceProvider<>(AuditEvent.class, store, fhirContext));

        RestfulServer server = new RestfulServer(fhirContext);
        server.setServerName(SOFTWARE_NAME);
        server.setImplementationDescription("In-process sandbox EHR of the Annulus Bridge default run:"
                + " fictional patients only, no PHI, not for clinical use");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setResourceProviders(List.<IResourceProvider>copyOf(providers));
        server.registerProvider(new TransactionProvider(new SandboxTransaction(store, providers, fhirContext)));
        if (properties.requireToken()) {
            server.registerInterceptor(new SandboxTokenGate(authorizationServer, properties.publicReads()));
        } else {
            log.warn("Sandbox EHR accepts requests without a token (bridge.sandbox.require-token=false)");
        }

        log.warn("SANDBOX EHR at {}: a sandbox with fictional patients and no PHI, not for clinical use;"
                + " set bridge.sandbox.enabled=false to point the bridge at a real EHR", SandboxEhr.BASE_PATH);
        ServletRegistrationBean<RestfulServer> registration =
                new ServletRegistrationBean<>(server, SandboxEhr.BASE_PATH + "/*");
        registration.setName("sandboxFhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
