package org.annulus.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.annulus.bridge.security.Role;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Issue 12's "Done when", tried as a new user would: the bridge, with the EHR profile for the vendor,
 * against the HAPI JPA server in that vendor's restricted mode (no transaction, If-None-Exist ignored, no
 * identifier search, writes of only some types). The examples, an amendment and a retraction end SYNCED
 * or NEEDS_REVIEW, never DEAD or REJECTED; each resource written once; every clinical fact in the EHR,
 * structured or in a note; every reference the bridge wrote resolves. Each subclass runs one server
 * process for its whole class. Fictional data only.
 */
abstract class RestrictedEhrSyncContract {

    static final Duration SYNC_WAIT = Duration.ofSeconds(90);
    static final String VISITS = "urn:oid:2.16.840.1.113883.19.5.99999.2";
    static final String VISIT = "V-20260320-0045";
    static final ObjectMapper JSON = new ObjectMapper();
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final List<String> EXAMPLES =
            List.of("candidacy-unilateral-left", "procedure-single-level", "milestone-normal-activity");
    /** What the bridge makes of these examples, per type: where the EHR takes none, it is a note. */
    static final List<String> CLINICAL_TYPES =
            List.of("Condition", "Observation", "Procedure", "MedicationAdministration", "CarePlan", "Goal");

    TestRestTemplate http;

    abstract JpaFhirServerProcess ehr();

    /** The types the restricted mode takes creates of, besides Patient and Encounter. */
    abstract Set<String> structured();

    @Autowired
    void asOperator(TestRestTemplate template) {
        http = TestTokens.withBearer(template, issuer().mint("restricted-test-operator", Role.OPERATE));
    }

    abstract TestTokens issuer();

    static void bridgeAgainst(
            DynamicPropertyRegistry registry,
            JpaFhirServerProcess ehr,
            String profile,
            Path work,
            WireMockServer tokens,
            TestTokens issuer) {
        String db = "bridge-" + profile;
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:mem:" + db + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        registry.add("bridge.intake.inbox", () -> work.resolve("inbox").toString());
        registry.add("bridge.outbox.poll-interval", () -> "100");
        registry.add("bridge.sandbox.enabled", () -> "false");
        registry.add("bridge.ehr.base-url", ehr::baseUrl);
        registry.add("bridge.ehr.profile", () -> profile);
        registry.add("bridge.visits.identifier-system", () -> VISITS);
        registry.add("bridge.ehr.client-id", () -> "annulus-bridge-" + profile + "-test");
        registry.add("bridge.ehr.private-key", () -> TestKeys.bridgeKey(work).toString());
        registry.add("bridge.ehr.token-url", () -> tokens.baseUrl() + "/token");
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer::issuer);
    }

    @Test
    void theExamplesTheirAmendmentAndARetractionEndSyncedOrNeedsReviewWithEveryFactVisibleAndNoDuplicate() {
        ehr().awaitReady(Duration.ofSeconds(150));
        String patientId = ehr().seedPatient(TestPatients.ANA_RIVERA);
        String encounterId = RestrictedEhrFixtures.openVisit(ehr(), patientId, VISIT);

        Map<String, String> tracking = new LinkedHashMap<>();
        for (String name : EXAMPLES) {
            tracking.put(name, send(inVisit(Fixtures.document(name))));
        }
        Map<String, String> ended = new LinkedHashMap<>();
        tracking.forEach((name, id) -> ended.put(name, settled(id)));

        ObjectNode amended = inVisit(Fixtures.document("candidacy-unilateral-left"));
        amended.put("version", 2).put("status", "amended").put("odi", 40);
        ended.put("amendment", settled(send(amended)));
        ObjectNode retracted = inVisit(Fixtures.document("milestone-normal-activity"));
        retracted.put("version", 2).put("status", "entered-in-error");
        ended.put("retraction", settled(send(retracted)));

        assertThat(ended.values())
                .as("end states " + ended)
                .allMatch(s -> s.equals("SYNCED") || s.equals("NEEDS_REVIEW"));

        // Written once: a business identifier names one resource of its type in the EHR.
        List<String> types = new ArrayList<>(CLINICAL_TYPES);
        types.add("DocumentReference");
        types.add("Medication");
        for (String type : types) {
            ehr().resourcesByBridgeIdentifier(type)
                    .forEach((identifier, ids) ->
                            assertThat(ids).as(type + " " + identifier).hasSize(1));
        }
        // Every clinical type: structured where the EHR takes it, in a note where it does not.
        List<DocumentReference> notes = ehr().all("DocumentReference").stream()
                .map(DocumentReference.class::cast)
                .toList();
        for (String type : CLINICAL_TYPES) {
            if (structured().contains(type)) {
                assertThat(ehr().count(type)).as(type + " written structured").isPositive();
            } else {
                assertThat(ehr().count(type)).as(type + " refused by this EHR").isZero();
                assertThat(notes)
                        .as(type + " in a note")
                        .anySatisfy(n -> assertThat(n.getType().getText()).isEqualTo(type + " (as a note)"));
            }
        }
        assertThat(notes).as("every note filed under the visit").allSatisfy(n -> assertThat(
                        n.getContext().getEncounterFirstRep().getReference())
                .isEqualTo("Encounter/" + encounterId));
        assertThat(notes)
                .as("the EHR takes no Provenance: notes name their source document and version")
                .anySatisfy(n -> assertThat(text(n)).containsPattern("Source: .* version \\d"));
        // Every literal reference in what the bridge wrote resolves.
        for (String type : types) {
            for (Resource resource : ehr().all(type)) {
                for (Reference ref : FHIR.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                    if (ref.hasReference() && !ref.getReference().startsWith("#")) {
                        assertThat(ref.getReference()).as(type + " reference").doesNotStartWith("urn:uuid:");
                        assertThat(ehr().client()
                                        .read()
                                        .resource(ref.getReferenceElement().getResourceType())
                                        .withId(ref.getReferenceElement().getIdPart())
                                        .execute())
                                .as(type + " -> " + ref.getReference())
                                .isNotNull();
                    }
                }
            }
        }
        checkSpecifics(notes, patientId);
    }

    /** What this vendor's EHR adds to the common checks. */
    void checkSpecifics(List<DocumentReference> notes, String patientId) {}

    static String text(DocumentReference note) {
        return note.getContent().stream()
                .filter(c -> c.getAttachment().hasData())
                .map(c -> new String(c.getAttachment().getData(), StandardCharsets.UTF_8))
                .reduce("", String::concat);
    }

    private static ObjectNode inVisit(ObjectNode document) {
        return document.put("schemaVersion", "1.1").put("visit", VISIT);
    }

    private String send(ObjectNode document) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<String> accepted = http.postForEntity(
                "/api/v1/documents", new HttpEntity<>(Fixtures.json(document), headers), String.class);
        assertThat(accepted.getStatusCode().value()).as(accepted.getBody()).isEqualTo(202);
        return json(accepted.getBody()).get("trackingId").asText();
    }

    /** The state the document settles in: SYNCED, NEEDS_REVIEW, CONFLICT, DEAD or REJECTED. */
    private String settled(String trackingId) {
        Set<String> settled = Set.of("SYNCED", "NEEDS_REVIEW", "CONFLICT", "DEAD", "REJECTED");
        await().atMost(SYNC_WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> settled.contains(track(trackingId).get("state").asText()));
        JsonNode doc = track(trackingId);
        assertThat(doc.get("state").asText()).as(doc.toString()).isIn("SYNCED", "NEEDS_REVIEW");
        if (doc.get("state").asText().equals("NEEDS_REVIEW")) {
            // As an operator would (README "Per-patient order"): a parked document holds back its patient's
            // later ones until released; it stays NEEDS_REVIEW for the clinician.
            ResponseEntity<String> released =
                    http.postForEntity("/api/v1/documents/" + trackingId + "/release", null, String.class);
            assertThat(released.getStatusCode().value()).as(released.getBody()).isEqualTo(202);
        }
        // What a person must check, for the test report: types, identifiers and reasons, no patient data.
        doc.path("held")
                .forEach(h -> System.out.println("held " + doc.get("kind").asText() + " v"
                        + doc.get("version").asText() + ": " + h));
        return doc.get("state").asText();
    }

    private JsonNode track(String trackingId) {
        return json(http.getForEntity("/api/v1/documents/" + trackingId, String.class)
                .getBody());
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** WireMock as the SMART token endpoint only (JpaServerSyncTest's too): the JPA server asks for no token. */
    static WireMockServer tokenEndpoint() {
        WireMockServer server =
                new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(WireMock.post("/token").willReturn(okJson("""
                {"access_token": "restricted-test-token", "token_type": "bearer", "expires_in": 300}
                """).withHeader("Cache-Control", "no-store")));
        return server;
    }
}
