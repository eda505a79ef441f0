package org.annulus.bridge.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.annulus.bridge.document.PatientIdentity;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;

/**
 * WireMock as a hospital EHR: a SMART authorization server (discovery and token endpoint) and a
 * FHIR R4 server whose CapabilityStatement, patient search and write answers each test chooses.
 * Every FHIR body is built with the HAPI model and encoded, never written by hand.
 */
final class FakeEhr {

    static final String FHIR = "/fhir";
    static final String TOKEN = "/auth/token";

    private final WireMockExtension wm;
    private final FhirContext fhir;

    FakeEhr(WireMockExtension wm, FhirContext fhir) {
        this.wm = wm;
        this.fhir = fhir;
    }

    String baseUrl() {
        return wm.baseUrl() + FHIR;
    }

    /** Discovery, a token endpoint that hands out five-minute tokens, and a CapabilityStatement with transactions. */
    FakeEhr smartAndTransactions() {
        wm.stubFor(
                get(FHIR + "/.well-known/smart-configuration").willReturn(okJson("""
                {"token_endpoint": "%s",
                 "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                 "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
                 "grant_types_supported": ["client_credentials"]}
                """.formatted(wm.baseUrl() + TOKEN))));
        wm.stubFor(post(TOKEN)
                .willReturn(okJson("{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":300}")));
        capabilities(true, Set.of("Condition", "Observation", "CarePlan", "DocumentReference", "Provenance"));
        return this;
    }

    /** The CapabilityStatement: transaction or not; create, update and search for the writable types. */
    void capabilities(boolean transaction, Set<String> writable) {
        CapabilityStatement statement = new CapabilityStatement();
        statement
                .setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        CapabilityStatement.CapabilityStatementRestComponent rest =
                statement.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        if (transaction) {
            rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        }
        rest.addResource(resource("Patient", TypeRestfulInteraction.READ, TypeRestfulInteraction.SEARCHTYPE));
        writable.stream().sorted().forEach(type -> {
            CapabilityStatementRestResourceComponent resource = resource(
                    type,
                    TypeRestfulInteraction.CREATE,
                    TypeRestfulInteraction.UPDATE,
                    TypeRestfulInteraction.SEARCHTYPE);
            resource.addSearchParam().setName("identifier").setType(Enumerations.SearchParamType.TOKEN);
            resource.addSearchParam().setName("patient").setType(Enumerations.SearchParamType.REFERENCE);
            rest.addResource(resource);
        });
        // A type the EHR shows but takes no writes of, the way EHRs list CarePlan or Procedure as read-only.
        for (String readOnly : List.of("CarePlan", "Procedure")) {
            if (!writable.contains(readOnly)) {
                rest.addResource(resource(readOnly, TypeRestfulInteraction.READ, TypeRestfulInteraction.SEARCHTYPE));
            }
        }
        wm.stubFor(get(FHIR + "/metadata").willReturn(fhirJson(200, statement)));
    }

    private static CapabilityStatementRestResourceComponent resource(
            String type, TypeRestfulInteraction... interactions) {
        CapabilityStatementRestResourceComponent resource =
                new CapabilityStatementRestResourceComponent().setType(type);
        for (TypeRestfulInteraction interaction : interactions) {
            resource.addInteraction().setCode(interaction);
        }
        return resource;
    }

    /** {@code Patient?identifier=mrn} finds these patients (ids p1, p2, …), each with the given family name. */
    void patientsWithMrn(PatientIdentity identity, String... families) {
        Bundle found = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(families.length);
        for (int i = 0; i < families.length; i++) {
            Patient patient = new Patient();
            patient.setId("p" + (i + 1));
            patient.addIdentifier().setSystem(identity.mrnSystem()).setValue(identity.mrn());
            patient.addName(new HumanName().setFamily(families[i]).setGiven(List.of()));
            patient.setBirthDate(java.sql.Date.valueOf(identity.birthDate()));
            found.addEntry()
                    .setFullUrl(baseUrl() + "/Patient/p" + (i + 1))
                    .setResource(patient)
                    .getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH);
        }
        patientSearchAnswers(identity, fhirJson(200, found));
    }

    void patientSearchAnswers(PatientIdentity identity, ResponseDefinitionBuilder answer) {
        wm.stubFor(patientSearch(identity).willReturn(answer));
    }

    static MappingBuilder patientSearch(PatientIdentity identity) {
        return get(urlPathEqualTo(FHIR + "/Patient")).withQueryParam("identifier", equalTo(identity.mrnToken()));
    }

    /** {@code POST [base]} (a transaction) answers this. */
    void transactionAnswers(ResponseDefinitionBuilder answer) {
        wm.stubFor(transaction().willReturn(answer));
    }

    /**
     * Every write and every search of the document's types answered so, as by an EHR that is down:
     * the transaction, and the look-ups before a resend whose first outcome is unknown.
     */
    void writesAndSearchesAnswer(ResponseDefinitionBuilder answer) {
        transactionAnswers(answer);
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                        urlPathMatching(FHIR + "/(Condition|Observation|CarePlan|DocumentReference)"))
                .willReturn(answer));
    }

    /** An EHR back from an outage where nothing of ours landed: searches find nothing, creates succeed. */
    void nothingLandedAndCreatesSucceed() {
        Bundle empty = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(0);
        for (String type : List.of("Condition", "Observation", "CarePlan", "DocumentReference")) {
            wm.stubFor(get(urlPathEqualTo(FHIR + "/" + type)).willReturn(fhirJson(200, empty)));
            wm.stubFor(post(urlPathEqualTo(FHIR + "/" + type))
                    .willReturn(aResponse()
                            .withStatus(201)
                            .withHeader("Location", baseUrl() + "/" + type + "/new-" + type + "/_history/1")));
        }
    }

    static MappingBuilder transaction() {
        return post(urlPathMatching(FHIR + "/?"));
    }

    static RequestPatternBuilder transactionsSent() {
        return postRequestedFor(urlPathMatching(FHIR + "/?"));
    }

    /** The transaction-response a conforming server gives: one entry per request, each with its location. */
    static Bundle transactionResponse(Bundle sent) {
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (int i = 0; i < sent.getEntry().size(); i++) {
            String type = sent.getEntry().get(i).getResource().fhirType();
            response.addEntry().getResponse().setStatus("201 Created").setLocation(type + "/srv-" + i + "/_history/1");
        }
        return response;
    }

    ResponseDefinitionBuilder fhirJson(int status, IBaseResource resource) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/fhir+json;charset=utf-8")
                .withBody(fhir.newJsonParser().encodeResourceToString(resource));
    }

    static OperationOutcome outcome(OperationOutcome.IssueType code, String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(code)
                .setDiagnostics(diagnostics);
        return outcome;
    }

    /** The FHIR requests the EHR received that write something (not token, discovery, metadata or search), oldest first. */
    List<LoggedRequest> writes() {
        // WireMock lists the newest first.
        List<LoggedRequest> writes = new ArrayList<>(wm.getAllServeEvents().stream()
                .map(e -> e.getRequest())
                .filter(r ->
                        r.getUrl().startsWith(FHIR) && !r.getMethod().getName().equals("GET"))
                .toList());
        Collections.reverse(writes);
        return writes;
    }
}
