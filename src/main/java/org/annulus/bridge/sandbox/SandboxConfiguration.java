package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Clock;
import java.util.List;
import org.annulus.bridge.security.ApiSecurityProperties;
import org.annulus.bridge.security.TrustedIssuer;
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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Mounts the sandbox EHR at {@code /sandbox/fhir} while it is the EHR ({@link SandboxMode}): no
 * {@code bridge.ehr.base-url} and {@code bridge.sandbox.enabled} not false.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(SandboxMode.class)
class SandboxConfiguration {

    static final String SOFTWARE_NAME = "Annulus Bridge sandbox EHR (not for clinical use)";

    private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

    @Bean(destroyMethod = "close")
    SandboxStore sandboxStore(SandboxProperties properties, FhirContext fhirContext) {
        SandboxStore store =
                new SandboxStore(new ResourceJournal(properties.journalFile(), fhirContext), Clock.systemUTC());
        int planted = new PatientSeed(fhirContext).plantInto(store);
        log.info(
                "Sandbox EHR journal {}: {} patients ({} fictional patients added from {})",
                properties.journalFile().toAbsolutePath(),
                store.count("Patient"),
                planted,
                PatientSeed.LOCATION);
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

    @Bean
    DevTokens devTokens(SandboxProperties properties, ApiSecurityProperties security) {
        return new DevTokens(Clock.systemUTC(), properties.devTokenLifetime(), security.audience());
    }

    /** The bridge's API trusts the development tokens, with the checks every token gets. */
    @Bean
    TrustedIssuer sandboxIssuer(DevTokens devTokens, ObjectProvider<OAuth2TokenValidator<Jwt>> validators) {
        return devTokens.trustedIssuer(validators.orderedStream().toList());
    }

    /**
     * The sandbox's own endpoints are outside the bridge API's resource server: its FHIR server checks
     * its own opaque tokens ({@link SandboxTokenGate}) and its token endpoint takes client credentials.
     */
    @Bean
    @Order(1)
    SecurityFilterChain sandboxSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher(PathPatternRequestMatcher.withDefaults().matcher("/sandbox/**"))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .csrf(AbstractHttpConfigurer::disable) // no cookies or sessions: tokens and form credentials only
                .build();
    }

    /** Says in health, as loudly as in the log, that this is a sandbox. */
    @Bean
    HealthIndicator sandboxHealthIndicator() {
        Health health = Health.up()
                .withDetail(
                        "warning",
                        "SANDBOX EHR: fictional patients, not for clinical use;" + " development tokens are issued at "
                                + SandboxAuthServlet.TOKEN_PATH)
                .build();
        return () -> health;
    }

    /** Discovery document and token endpoint: the sandbox admits the bridge the way a hospital EHR does. */
    @Bean
    ServletRegistrationBean<SandboxAuthServlet> sandboxAuthServlet(
            SandboxAuthorizationServer authorizationServer, DevTokens devTokens, SandboxProperties properties) {
        ServletRegistrationBean<SandboxAuthServlet> registration = new ServletRegistrationBean<>(
                new SandboxAuthServlet(authorizationServer, devTokens),
                SandboxAuthServlet.DISCOVERY_PATH,
                SandboxAuthServlet.TOKEN_PATH);
        registration.setName("sandboxAuth");
        log.info(
                "Sandbox token endpoint at {}: admits client {} by private_key_jwt",
                SandboxAuthServlet.TOKEN_PATH,
                properties.clientId());
        log.warn(
                "SANDBOX development tokens for the bridge's API at {} (client_secret_post): {} (see README, 'Try it');"
                        + " they exist only while the sandbox is the EHR",
                SandboxAuthServlet.TOKEN_PATH,
                DevTokens.CLIENTS.values().stream()
                        .map(c -> c.clientId() + " = " + c.role().scope())
                        .toList());
        return registration;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> sandboxFhirServlet(
            SandboxStore store,
            FhirContext fhirContext,
            SandboxAuthorizationServer authorizationServer,
            SandboxProperties properties) {
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

        log.warn(
                "SANDBOX EHR at {}: a sandbox with fictional patients and no PHI, not for clinical use;"
                        + " setting bridge.ehr.base-url to a real EHR switches the sandbox off",
                SandboxEhr.BASE_PATH);
        ServletRegistrationBean<RestfulServer> registration =
                new ServletRegistrationBean<>(server, SandboxEhr.BASE_PATH + "/*");
        registration.setName("sandboxFhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
