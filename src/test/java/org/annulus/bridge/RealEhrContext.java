package org.annulus.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bridge pointed at a real EHR, as a hospital runs it: WireMock on 127.0.0.1 plays the EHR (FHIR
 * server and SMART token endpoint) and the OAuth 2.0 issuer of the bridge's API tokens
 * ({@link TestTokens}, discovered through {@code issuer-uri}). {@code bridge.sandbox.enabled=true} is
 * set on purpose: a real EHR must switch the sandbox off regardless.
 *
 * <p>One Spring context for this mode: extend this class and add no configuration of your own, and
 * the context is shared.
 *
 * <p>The EHR finds one patient, MRN {@value #KNOWN_MRN} (the fixtures' fictional Ana Rivera), and
 * answers every transaction {@code 422} with an OperationOutcome that quotes a value, as EHRs do:
 * her documents go {@code DEAD}; any other MRN waits in {@code AWAITING_PATIENT_MATCH}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
public abstract class RealEhrContext {

    public static final String KNOWN_MRN = "448812";
    /** The one host name (besides loopback) the bridge answers to. */
    public static final String ALLOWED_HOST = "bridge.hospital.example";
    /** What the EHR's refusal quotes: only operators and auditors may read it in tracking. */
    public static final String QUOTED_BY_THE_EHR = "family name 'Rivera' does not match";

    static final String MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5.99999.1";
    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-real-ehr-");
    static final FhirContext FHIR = FhirContext.forR4Cached();
    public static final WireMockServer EHR = start();
    public static final TestTokens ISSUER = TestTokens.servedBy(EHR);

    /** Without a token. */
    @Autowired
    public TestRestTemplate anonymous;

    @org.springframework.boot.test.web.server.LocalServerPort
    public int port;

    @DynamicPropertySource
    static void realEhr(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:mem:bridge-real-ehr;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        registry.add("bridge.intake.inbox", () -> WORK.resolve("inbox").toString());
        registry.add("bridge.outbox.poll-interval", () -> "100");
        // This EHR refuses every write (DEAD), and these tests are about access, not order: one test's DEAD
        // document of a fixture patient must not hold back the next test's (PatientOrderTest covers order).
        registry.add("bridge.outbox.parked-blocks-patient", () -> "false");
        registry.add("bridge.sandbox.enabled", () -> "true");
        registry.add("bridge.sandbox.data-dir", () -> WORK.resolve("sandbox").toString());
        registry.add("bridge.ehr.base-url", () -> EHR.baseUrl() + "/fhir");
        registry.add("bridge.ehr.client-id", () -> "annulus-bridge-real-ehr-test");
        registry.add("bridge.ehr.private-key", () -> TestKeys.bridgeKey(WORK).toString());
        registry.add("bridge.ehr.token-url", () -> EHR.baseUrl() + "/token");
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
        registry.add("bridge.security.allowed-hosts", () -> ALLOWED_HOST);
    }

    /** {@code http} sending this token. */
    public TestRestTemplate as(String token) {
        return TestTokens.withBearer(anonymous, token);
    }

    private static WireMockServer start() {
        WireMockServer server =
                new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(post("/token").willReturn(okJson("""
                {"access_token": "real-ehr-test-token", "token_type": "bearer", "expires_in": 300}
                """).withHeader("Cache-Control", "no-store")));
        server.stubFor(get("/fhir/metadata").willReturn(fhirJson(200, capabilities())));
        server.stubFor(get(urlPathEqualTo("/fhir/Patient"))
                .atPriority(10)
                .willReturn(fhirJson(
                        200, new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(0))));
        server.stubFor(get(urlPathEqualTo("/fhir/Patient"))
                .atPriority(1)
                .withQueryParam("identifier", containing(KNOWN_MRN))
                .willReturn(fhirJson(200, knownPatient(server))));
        OperationOutcome refusal = new OperationOutcome();
        refusal.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.BUSINESSRULE)
                .setDiagnostics(QUOTED_BY_THE_EHR);
        server.stubFor(post(urlPathMatching("/fhir/?")).willReturn(fhirJson(422, refusal)));
        return server;
    }

    private static CapabilityStatement capabilities() {
        CapabilityStatement statement = new CapabilityStatement();
        statement
                .setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        CapabilityStatement.CapabilityStatementRestComponent rest =
                statement.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        rest.addResource().setType("Patient").addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        for (String type : List.of(
                "Condition",
                "Observation",
                "Procedure",
                "DocumentReference",
                "CarePlan",
                "Goal",
                "ServiceRequest",
                "Provenance")) {
            var resource = rest.addResource().setType(type);
            resource.addInteraction().setCode(TypeRestfulInteraction.CREATE);
            resource.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
            resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
        }
        return statement;
    }

    private static Bundle knownPatient(WireMockServer server) {
        Patient patient = new Patient();
        patient.setId("ehr-rivera");
        patient.addIdentifier().setSystem(MRN_SYSTEM).setValue(KNOWN_MRN);
        patient.addName(new HumanName()
                .setFamily("Rivera")
                .setGiven(List.of(
                        new org.hl7.fhir.r4.model.StringType("Ana"), new org.hl7.fhir.r4.model.StringType("Lucia"))));
        patient.setGender(Enumerations.AdministrativeGender.FEMALE);
        patient.setBirthDate(java.sql.Date.valueOf("1979-06-14"));
        Bundle found = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(1);
        found.addEntry()
                .setFullUrl(server.baseUrl() + "/fhir/Patient/ehr-rivera")
                .setResource(patient)
                .getSearch()
                .setMode(Bundle.SearchEntryMode.MATCH);
        return found;
    }

    private static ResponseDefinitionBuilder fhirJson(int status, IBaseResource resource) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/fhir+json;charset=utf-8")
                .withBody(FHIR.newJsonParser().encodeResourceToString(resource));
    }
}
