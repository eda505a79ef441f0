package org.annulus.bridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.annulus.bridge.smart.SmartAuthorization;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryResponseComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceInteractionComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemInteractionComponent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "bridge.sandbox.data-dir=${java.io.tmpdir}/sbx-${random.uuid}",
            "spring.datasource.url=jdbc:h2:mem:sbx;DB_CLOSE_DELAY=-1"
        })
class SandboxEhrServerTest {

    static final String MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5.99999.1";

    @LocalServerPort
    int port;

    @Autowired
    FhirContext fhirContext;

    @Autowired
    SandboxEhr sandboxEhr;

    @Autowired
    SmartAuthorization smart;

    IGenericClient client;

    /** Through the front door: a bearer token from the sandbox's token endpoint, the SMART way. */
    @BeforeEach
    void connect() {
        client = fhirContext.newRestfulGenericClient("http://127.0.0.1:" + port + SandboxEhr.BASE_PATH);
        smart.attachTo(client);
    }

    @Test
    void requestsWithoutAValidTokenAreRefusedWith401() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI patient = URI.create("http://127.0.0.1:" + port + "/sandbox/fhir/Patient/sbx-ana-rivera");
        String body = "{\"resourceType\":\"Patient\",\"id\":\"sbx-ana-rivera\"}";

        HttpResponse<String> none = http.send(
                HttpRequest.newBuilder(patient)
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> forged = http.send(
                HttpRequest.newBuilder(patient)
                        .header("Authorization", "Bearer forged")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> anonymousRead =
                http.send(HttpRequest.newBuilder(patient).build(), HttpResponse.BodyHandlers.ofString());

        // Writes always need the token; anonymous reads of the fictional data are let through
        // (bridge.sandbox.public-reads), but a token that is presented must be valid.
        assertThat(anonymousRead.statusCode()).isEqualTo(200);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.body()).doesNotContain("Rivera");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
    }

    @Test
    void capabilityStatementIsPublicAndNamesTheTokenEndpoint() {
        IGenericClient anonymous =
                fhirContext.newRestfulGenericClient("http://127.0.0.1:" + port + SandboxEhr.BASE_PATH);

        CapabilityStatement capabilities =
                anonymous.capabilities().ofType(CapabilityStatement.class).execute();

        var security = capabilities.getRestFirstRep().getSecurity();
        assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
        assertThat(security.getExtensionByUrl(SandboxTokenGate.OAUTH_URIS).getExtensionString("token"))
                .isEqualTo("http://127.0.0.1:" + port + "/sandbox/auth/token");
    }

    @Test
    void capabilityStatementNamesTheSandboxAndListsInteractionsAndSearchParams() {
        CapabilityStatement capabilities =
                client.capabilities().ofType(CapabilityStatement.class).execute();

        assertThat(capabilities.getSoftware().getName()).isEqualTo("Annulus Bridge sandbox EHR (not for clinical use)");
        CapabilityStatementRestComponent rest = capabilities.getRestFirstRep();
        assertThat(rest.getInteraction())
                .extracting(SystemInteractionComponent::getCode)
                .extracting(Enum::name)
                .contains("TRANSACTION");
        assertThat(rest.getResource())
                .extracting(CapabilityStatementRestResourceComponent::getType)
                .contains(
                        "Patient",
                        "Condition",
                        "Observation",
                        "Procedure",
                        "CarePlan",
                        "Goal",
                        "ServiceRequest",
                        "DocumentReference",
                        "Provenance",
                        "PlanDefinition",
                        "Practitioner",
                        "Organization",
                        "AuditEvent");
        CapabilityStatementRestResourceComponent condition = resource(rest, "Condition");
        assertThat(condition.getInteraction())
                .extracting(ResourceInteractionComponent::getCode)
                .extracting(Enum::name)
                .contains("READ", "VREAD", "CREATE", "UPDATE", "SEARCHTYPE");
        assertThat(condition.getSearchParam())
                .extracting(CapabilityStatementRestResourceSearchParamComponent::getName)
                .contains("_id", "identifier", "patient", "subject");
        assertThat(condition.getConditionalCreate()).isTrue();
        assertThat(resource(rest, "Patient").getSearchParam())
                .extracting(CapabilityStatementRestResourceSearchParamComponent::getName)
                .contains("identifier")
                .doesNotContain("patient", "subject");
    }

    @Test
    void preloadedPatientIsFoundByIdentifier() {
        Bundle bySystemAndValue = searchPatients(MRN_SYSTEM + "|448812");
        Bundle byValueOnly = searchPatients("448812");

        assertThat(bySystemAndValue.getTotal()).isEqualTo(1);
        Patient ana = (Patient) bySystemAndValue.getEntryFirstRep().getResource();
        assertThat(ana.getNameFirstRep().getFamily()).isEqualTo("Rivera");
        assertThat(ana.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Ana Lucia");
        assertThat(ana.getGender()).isEqualTo(AdministrativeGender.FEMALE);
        assertThat(ana.getBirthDateElement().getValueAsString()).isEqualTo("1979-06-14");
        assertThat(ana.getIdentifierFirstRep().getType().getCodingFirstRep().getCode())
                .isEqualTo("MR");
        assertThat(byValueOnly.getTotal()).isEqualTo(1);
        assertThat(searchPatients("otherSystem|448812").getTotal()).isZero();
        assertThat(client.search()
                        .byUrl("Patient?_id=sbx-ana-rivera")
                        .returnBundle(Bundle.class)
                        .execute()
                        .getTotal())
                .isEqualTo(1);
    }

    @Test
    void duplicateMrnMatchesTwoPatientsAndMakesConditionalCreateFail() {
        assertThat(searchPatients(MRN_SYSTEM + "|448899").getTotal()).isEqualTo(2);
        int patientsBefore = sandboxEhr.count("Patient");

        assertThatThrownBy(() -> client.create()
                        .resource(patient("448899"))
                        .conditionalByUrl("Patient?identifier=" + MRN_SYSTEM + "|448899")
                        .execute())
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(sandboxEhr.count("Patient")).isEqualTo(patientsBefore);
    }

    @Test
    void createAssignsIdAndFirstVersion() {
        MethodOutcome outcome = client.create().resource(patient(uniqueMrn())).execute();

        assertThat(outcome.getResponseStatusCode()).isEqualTo(201);
        assertThat(outcome.getCreated()).isTrue();
        assertThat(outcome.getId().getIdPart()).isNotBlank();
        assertThat(outcome.getId().getVersionIdPart()).isEqualTo("1");
        assertThat(outcome.getFirstResponseHeader("Location")).hasValueSatisfying(location -> assertThat(location)
                .contains("/sandbox/fhir/Patient/" + outcome.getId().getIdPart() + "/_history/1"));
        Patient stored = client.read()
                .resource(Patient.class)
                .withId(outcome.getId().getIdPart())
                .execute();
        assertThat(stored.getMeta().getVersionId()).isEqualTo("1");
        assertThat(stored.getMeta().getLastUpdated()).isNotNull();
    }

    @Test
    void conditionalCreateTwiceStoresOneResource() {
        String value = "org-" + UUID.randomUUID();
        Organization clinic = new Organization().setName("Fictional Spine Clinic");
        clinic.addIdentifier().setSystem("urn:annulus:test").setValue(value);

        MethodOutcome first = client.create()
                .resource(clinic)
                .conditionalByUrl("Organization?identifier=urn:annulus:test|" + value)
                .execute();
        MethodOutcome second = client.create()
                .resource(clinic)
                .conditionalByUrl("Organization?identifier=urn:annulus:test|" + value)
                .execute();

        assertThat(first.getResponseStatusCode()).isEqualTo(201);
        assertThat(second.getResponseStatusCode()).isEqualTo(200);
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        assertThat(second.getId().getVersionIdPart()).isEqualTo("1");
        Bundle found = client.search()
                .forResource(Organization.class)
                .where(Organization.IDENTIFIER.exactly().systemAndCode("urn:annulus:test", value))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(found.getTotal()).isEqualTo(1);
    }

    @Test
    void rawIfNoneExistHeaderWithoutTypePrefixIsHonoured() throws Exception {
        String mrn = uniqueMrn();
        String body = fhirContext.newJsonParser().encodeResourceToString(patient(mrn));
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sandbox/fhir/Patient"))
                .header("Content-Type", "application/fhir+json")
                .header("If-None-Exist", "identifier=" + MRN_SYSTEM + "|" + mrn)
                .header("Authorization", "Bearer " + bearerToken())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> first = http.send(post, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = http.send(post, HttpResponse.BodyHandlers.ofString());

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains("/_history/1"));
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(searchPatients(MRN_SYSTEM + "|" + mrn).getTotal()).isEqualTo(1);
    }

    @Test
    void vreadReturnsVersionOneAfterUpdate() {
        IIdType id = client.create().resource(patient(uniqueMrn())).execute().getId();
        Patient changed =
                client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        changed.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1980-01-01"));

        MethodOutcome update = client.update().resource(changed).execute();

        assertThat(update.getId().getVersionIdPart()).isEqualTo("2");
        Patient first = client.vread(Patient.class, id.getIdPart(), "1");
        Patient current =
                client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        assertThat(first.getBirthDateElement().getValueAsString()).isEqualTo("1979-06-14");
        assertThat(first.getMeta().getVersionId()).isEqualTo("1");
        assertThat(current.getBirthDateElement().getValueAsString()).isEqualTo("1980-01-01");
        assertThat(current.getMeta().getVersionId()).isEqualTo("2");
    }

    @Test
    void updateWithStaleIfMatchFailsWith412() {
        IIdType id = client.create().resource(patient(uniqueMrn())).execute().getId();
        Patient patient =
                client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        client.update()
                .resource(patient)
                .withAdditionalHeader("If-Match", "W/\"1\"")
                .execute();

        assertThatThrownBy(() -> client.update()
                        .resource(patient)
                        .withId(id.toUnqualifiedVersionless())
                        .withAdditionalHeader("If-Match", "W/\"1\"")
                        .execute())
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(client.read()
                        .resource(Patient.class)
                        .withId(id.getIdPart())
                        .execute()
                        .getMeta()
                        .getVersionId())
                .isEqualTo("2");
    }

    @Test
    void searchByPatientAndSubjectFindsOnlyThatPatientsConditions() {
        String patientId =
                client.create().resource(patient(uniqueMrn())).execute().getId().getIdPart();
        String otherId =
                client.create().resource(patient(uniqueMrn())).execute().getId().getIdPart();
        client.create().resource(conditionOf("Patient/" + patientId)).execute();
        client.create().resource(conditionOf("Patient/" + patientId)).execute();
        client.create().resource(conditionOf("Patient/" + otherId)).execute();

        assertThat(searchConditions("patient", patientId).getTotal()).isEqualTo(2);
        assertThat(searchConditions("patient", "Patient/" + patientId).getTotal())
                .isEqualTo(2);
        assertThat(searchConditions("subject", "Patient/" + patientId).getTotal())
                .isEqualTo(2);
        assertThat(searchConditions("subject", otherId).getTotal()).isEqualTo(1);
        assertThat(searchConditions("patient", "Patient/no-such-patient").getTotal())
                .isZero();
    }

    @Test
    void searchWithoutParametersReturnsEveryResourceOfTheType() {
        Bundle all = client.search()
                .forResource(Patient.class)
                .returnBundle(Bundle.class)
                .execute();

        assertThat(all.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        assertThat(all.getTotal()).isEqualTo(sandboxEhr.count("Patient")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void transactionResolvesUrnUuidReferencesToAssignedAndMatchedIds() {
        String patientUrn = "urn:uuid:" + UUID.randomUUID();
        String conditionUrn = "urn:uuid:" + UUID.randomUUID();
        Bundle request = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        request.addEntry()
                .setFullUrl(patientUrn)
                .setResource(patient("448812"))
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Patient")
                .setIfNoneExist("identifier=" + MRN_SYSTEM + "|448812");
        request.addEntry()
                .setFullUrl(conditionUrn)
                .setResource(conditionOf(patientUrn))
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Condition");
        Procedure procedure =
                new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED).setSubject(new Reference(patientUrn));
        procedure.addReasonReference(new Reference(conditionUrn));
        request.addEntry()
                .setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(procedure)
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Procedure");

        Bundle response = client.transaction().withBundle(request).execute();

        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        List<BundleEntryResponseComponent> results = response.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResponse)
                .toList();
        assertThat(results)
                .extracting(BundleEntryResponseComponent::getStatus)
                .containsExactly("200 OK", "201 Created", "201 Created");
        assertThat(results.get(0).getLocation()).startsWith("Patient/sbx-ana-rivera/_history/");
        assertThat(results.get(1).getLocation()).matches("Condition/\\d+/_history/1");
        assertThat(results.get(1).getEtag()).isEqualTo("W/\"1\"");
        String conditionId = new IdType(results.get(1).getLocation()).getIdPart();
        Condition condition =
                client.read().resource(Condition.class).withId(conditionId).execute();
        Procedure storedProcedure = client.read()
                .resource(Procedure.class)
                .withId(new IdType(results.get(2).getLocation()).getIdPart())
                .execute();
        assertThat(condition.getSubject().getReference()).isEqualTo("Patient/sbx-ana-rivera");
        assertThat(storedProcedure.getSubject().getReference()).isEqualTo("Patient/sbx-ana-rivera");
        assertThat(storedProcedure.getReasonReferenceFirstRep().getReference()).isEqualTo("Condition/" + conditionId);
    }

    @Test
    void transactionWithAmbiguousConditionalCreateWritesNothing() {
        int conditionsBefore = sandboxEhr.count("Condition");
        String patientUrn = "urn:uuid:" + UUID.randomUUID();
        Bundle request = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        request.addEntry()
                .setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(conditionOf(patientUrn))
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Condition");
        request.addEntry()
                .setFullUrl(patientUrn)
                .setResource(patient("448899"))
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Patient")
                .setIfNoneExist("identifier=" + MRN_SYSTEM + "|448899");

        assertThatThrownBy(() -> client.transaction().withBundle(request).execute())
                .isInstanceOfSatisfying(
                        PreconditionFailedException.class,
                        failure -> assertThat(failure.getOperationOutcome()).isInstanceOf(OperationOutcome.class));
        assertThat(sandboxEhr.count("Condition")).isEqualTo(conditionsBefore);
    }

    @Test
    void transactionPutHonoursIfMatch() {
        IIdType id = client.create()
                .resource(conditionOf("Patient/sbx-ana-rivera"))
                .execute()
                .getId();
        Condition condition =
                client.read().resource(Condition.class).withId(id.getIdPart()).execute();
        condition.getCode().setText("sciatica, amended");

        Bundle stale = putTransaction(condition, id, "W/\"7\"");
        assertThatThrownBy(() -> client.transaction().withBundle(stale).execute())
                .isInstanceOf(PreconditionFailedException.class);
        Bundle response = client.transaction()
                .withBundle(putTransaction(condition, id, "W/\"1\""))
                .execute();

        BundleEntryResponseComponent result = response.getEntryFirstRep().getResponse();
        assertThat(result.getStatus()).isEqualTo("200 OK");
        assertThat(result.getLocation()).isEqualTo("Condition/" + id.getIdPart() + "/_history/2");
        assertThat(result.getEtag()).isEqualTo("W/\"2\"");
        assertThat(((Condition) sandboxEhr.read("Condition", id.getIdPart()).orElseThrow())
                        .getCode()
                        .getText())
                .isEqualTo("sciatica, amended");
    }

    private static Bundle putTransaction(Resource resource, IIdType id, String ifMatch) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry()
                .setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(resource)
                .getRequest()
                .setMethod(HTTPVerb.PUT)
                .setUrl("Condition/" + id.getIdPart())
                .setIfMatch(ifMatch);
        return bundle;
    }

    /** The token the SMART client obtained, read off a request it authorized. */
    private String bearerToken() {
        TokenCapture capture = new TokenCapture();
        IGenericClient probe = fhirContext.newRestfulGenericClient("http://127.0.0.1:" + port + SandboxEhr.BASE_PATH);
        smart.attachTo(probe);
        probe.registerInterceptor(capture);
        probe.capabilities().ofType(CapabilityStatement.class).execute();
        return capture.token;
    }

    @ca.uhn.fhir.interceptor.api.Interceptor
    public static class TokenCapture {
        volatile String token;

        @ca.uhn.fhir.interceptor.api.Hook(value = ca.uhn.fhir.interceptor.api.Pointcut.CLIENT_REQUEST, order = 1000)
        public void capture(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
            token = request.getAllHeaders().get("Authorization").get(0).substring("Bearer ".length());
        }
    }

    private Bundle searchPatients(String identifier) {
        return client.search()
                .byUrl("Patient?identifier=" + identifier)
                .returnBundle(Bundle.class)
                .execute();
    }

    private Bundle searchConditions(String param, String value) {
        return client.search()
                .byUrl("Condition?" + param + "=" + value)
                .returnBundle(Bundle.class)
                .execute();
    }

    private static CapabilityStatementRestResourceComponent resource(
            CapabilityStatementRestComponent rest, String type) {
        return rest.getResource().stream()
                .filter(r -> r.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    private static String uniqueMrn() {
        return "T" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Patient patient(String mrn) {
        Patient patient = new Patient().setGender(AdministrativeGender.FEMALE);
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1979-06-14"));
        patient.addName().setFamily("Testperson").addGiven("Fictional");
        patient.addIdentifier().setSystem(MRN_SYSTEM).setValue(mrn);
        return patient;
    }

    private static Condition conditionOf(String subject) {
        Condition condition = new Condition().setSubject(new Reference(subject));
        condition.getCode().setText("sciatica");
        return condition;
    }
}
