package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.annulus.bridge.mapping.FallbackNote;
import org.annulus.bridge.security.Role;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bridge against a real FHIR server: HAPI FHIR JPA server (H2 in memory) in its own process,
 * sandbox off. Real transaction and conditional-create semantics: every example document sent
 * twice, an amendment, and exact resource counts per type in the server afterwards.
 *
 * <p>The JPA server needs no token; the bridge still runs its full SMART Backend Services client
 * (its configured key, client id and token URL), against WireMock as the token endpoint only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the first counts every resource in the server
class JpaServerSyncTest {

    static final Duration SYNC_WAIT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-jpa-");

    /** Launched when the class loads, on a port chosen now, so its start-up overlaps the bridge's. */
    static final JpaFhirServerProcess EHR = JpaFhirServerProcess.launch(WORK.resolve("ehr"), JvmProcess.freePort());

    static final WireMockServer TOKEN_ENDPOINT = RestrictedEhrSyncContract.tokenEndpoint();
    /** The issuer of the bridge's own API tokens, served by the same WireMock. */
    static final TestTokens ISSUER = TestTokens.servedBy(TOKEN_ENDPOINT);

    TestRestTemplate http;

    @Autowired
    void asOperator(TestRestTemplate template) {
        http = TestTokens.withBearer(template, ISSUER.mint("jpa-test-operator", Role.OPERATE));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:mem:bridge-jpa;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        registry.add("bridge.intake.inbox", () -> WORK.resolve("inbox").toString());
        registry.add("bridge.outbox.poll-interval", () -> "100");
        registry.add("bridge.sandbox.enabled", () -> "false");
        // the bridge first calls it when it sends: the JPA server may still be starting meanwhile
        registry.add("bridge.ehr.base-url", EHR::baseUrl);
        registry.add("bridge.ehr.client-id", () -> "annulus-bridge-jpa-test");
        registry.add("bridge.ehr.private-key", () -> TestKeys.bridgeKey(WORK).toString());
        registry.add("bridge.ehr.token-url", () -> TOKEN_ENDPOINT.baseUrl() + "/token");
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
    }

    @AfterAll
    static void stop() {
        EHR.close();
        TOKEN_ENDPOINT.stop();
    }

    @Test
    @Order(1)
    void everyExampleSentTwiceIsWrittenOnceAndAnAmendmentUpdatesInPlace() {
        EHR.awaitReady(Duration.ofSeconds(150));
        String patientId = EHR.seedPatient(TestPatients.ANA_RIVERA);
        List<String> trackingIds = new ArrayList<>();
        for (String name :
                List.of("candidacy-unilateral-left", "procedure-single-level", "milestone-normal-activity")) {
            String doc = Fixtures.json(Fixtures.document(name));
            ResponseEntity<String> first = post(doc);
            assertThat(first.getStatusCode().value())
                    .as(name + ": " + first.getBody())
                    .isEqualTo(202);
            String trackingId = json(first.getBody()).get("trackingId").asText();
            trackingIds.add(trackingId);
            ResponseEntity<String> again = post(doc);
            assertThat(again.getStatusCode().value()).as(name + " again").isEqualTo(200);
            assertThat(json(again.getBody()).get("trackingId").asText()).isEqualTo(trackingId);
        }
        trackingIds.forEach(id -> awaitState(id, "SYNCED"));

        Map<String, Integer> written = writtenByType(trackingIds);
        Map<String, Integer> expected = new TreeMap<>(written);
        expected.merge("Patient", 1, Integer::sum);
        // Notes: the consult note, the procedure note and the milestone's progress note (issue 9, point 4);
        // the fibrin product as a Medication with its lot and its administration (point 5).
        assertThat(written)
                .as("what the bridge reports it wrote")
                .containsAllEntriesOf(Map.of(
                        "Condition",
                        2,
                        "Observation",
                        11,
                        "Procedure",
                        1,
                        "DocumentReference",
                        3,
                        "Medication",
                        1,
                        "MedicationAdministration",
                        1));
        assertThat(countsIn(expected.keySet()))
                .as("resources in the FHIR server, per type")
                .isEqualTo(expected);
        assertNoDuplicateIdentifiers(expected.keySet());
        // A recall by lot finds the patient through the real server's chained search.
        org.hl7.fhir.r4.model.Bundle recall = EHR.client()
                .search()
                .byUrl("MedicationAdministration?medication.lot-number=FS-88321")
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
                .execute();
        assertThat(recall.getEntry())
                .extracting(e -> ((org.hl7.fhir.r4.model.MedicationAdministration) e.getResource())
                        .getSubject()
                        .getReference())
                .containsExactly("Patient/" + patientId);
        for (String trackingId : trackingIds) {
            for (JsonNode resource : track(trackingId).get("resources")) {
                if (resource.path("resourceType").asText().equals("Patient")) {
                    continue;
                }
                assertThat(EHR.client()
                                .read()
                                .resource(resource.get("resourceType").asText())
                                .withId(resource.get("serverId").asText())
                                .execute())
                        .as(resource.toString())
                        .isNotNull();
            }
        }
        assertThat(EHR.all("Condition")).allMatch(c -> ((org.hl7.fhir.r4.model.Condition) c)
                .getSubject()
                .getReference()
                .equals("Patient/" + patientId));

        // the amendment: version 2 of the candidacy assessment, ODI re-scored
        ObjectNode v2 = Fixtures.document("candidacy-unilateral-left");
        v2.put("version", 2).put("status", "amended").put("odi", 40);
        ResponseEntity<String> amended = post(Fixtures.json(v2));
        assertThat(amended.getStatusCode().value()).as(amended.getBody()).isEqualTo(202);
        awaitState(json(amended.getBody()).get("trackingId").asText(), "SYNCED");

        expected.merge("Provenance", 1, Integer::sum); // each write carries its Provenance
        assertThat(countsIn(expected.keySet()))
                .as("after the amendment: updated in place, nothing else added")
                .isEqualTo(expected);
        assertNoDuplicateIdentifiers(expected.keySet());
        List<Observation> odi = EHR
                .client()
                .search()
                .forResource(Observation.class)
                .where(Observation.IDENTIFIER
                        .exactly()
                        .systemAndIdentifier(
                                JpaFhirServerProcess.BRIDGE_SID, Fixtures.identifier(v2, "observation-odi")))
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(e -> (Observation) e.getResource())
                .toList();
        assertThat(odi).hasSize(1);
        assertThat(odi.get(0).getValueQuantity().getValue().intValue()).isEqualTo(40);
        assertThat(odi.get(0).getStatus().toCode()).isEqualTo("amended");
        assertThat(odi.get(0).getMeta().getVersionId())
                .as("an update of the same resource")
                .isEqualTo("2");
    }

    /**
     * A clinician's edit of a Condition in the EHR survives an amended document, which ends CONFLICT
     * with a note in the EHR about the amendment, related to the Condition by its server id; overwrite
     * applies the amendment on the EHR's version and retires the note; keep-ehr leaves the Condition
     * as the clinician made it.
     */
    @Test
    @Order(2)
    void aClinicianEditSurvivesAnAmendmentWhichEndsInConflictUntilAnOperatorResolvesIt() {
        EHR.awaitReady(Duration.ofSeconds(150));
        EHR.seedPatient(TestPatients.CHIDI_OKAFOR);
        ObjectNode v1 = Fixtures.fresh("candidacy-unilateral-left");
        v1.set("patient", TestPatients.CHIDI_OKAFOR.asDocumentPatient());
        String first = accepted(v1);
        awaitState(first, "SYNCED");
        JsonNode written = conditionIn(track(first));
        String conditionId = written.get("serverId").asText();
        clinicianEdits(conditionId, "Confirmed on examination by the treating surgeon.");

        ObjectNode v2 = v1.deepCopy().put("version", 2).put("status", "amended").put("odi", 40);
        String second = accepted(v2);
        awaitState(second, "CONFLICT");

        JsonNode held = track(second).get("held");
        assertThat(held).as(held.toString()).singleElement().satisfies(h -> {
            assertThat(h.get("kind").asText()).isEqualTo("CONFLICT");
            assertThat(h.get("resourceType").asText()).isEqualTo("Condition");
            assertThat(h.get("serverId").asText()).isEqualTo(conditionId);
            assertThat(h.get("ourVersion").asText()).isEqualTo("1");
            assertThat(h.get("ehrVersion").asText()).isEqualTo("2");
        });
        Condition kept = EHR.client()
                .read()
                .resource(Condition.class)
                .withId(conditionId)
                .execute();
        assertThat(kept.getMeta().getVersionId()).as("not overwritten").isEqualTo("2");
        assertThat(kept.getNoteFirstRep().getText()).isEqualTo("Confirmed on examination by the treating surgeon.");
        DocumentReference note = amendmentNote(written);
        assertThat(note.getStatus()).isEqualTo(Enumerations.DocumentReferenceStatus.CURRENT);
        assertThat(note.getContext().getRelated())
                .extracting(Reference::getReference)
                .containsExactly("Condition/" + conditionId);
        assertThat(EHR.client()
                        .read()
                        .resource(Condition.class)
                        .withUrl(note.getContext().getRelatedFirstRep().getReference())
                        .execute()
                        .getIdElement()
                        .getIdPart())
                .as("the note's reference resolves")
                .isEqualTo(conditionId);
        assertThat(note.getText().getDiv().allText()).contains("Amendment not applied to Condition/" + conditionId);
        assertThat(note.getAuthorFirstRep().getIdentifier().getValue())
                .as("by the document's author")
                .isEqualTo(v1.at("/author/npi").asText());
        assertThat(note.getDateElement().getValueAsString()).startsWith("2026-03-02T");
        assertThat(track(second).get("resources"))
                .as("the note is among what the document wrote")
                .anyMatch(r ->
                        r.get("serverId").asText().equals(note.getIdElement().getIdPart()));

        assertThat(resolve(second, "overwrite").getStatusCode().value()).isEqualTo(202);
        awaitState(second, "SYNCED");
        Condition overwritten = EHR.client()
                .read()
                .resource(Condition.class)
                .withId(conditionId)
                .execute();
        assertThat(overwritten.getMeta().getVersionId())
                .as("updated on the EHR's version 2 (If-Match), not on ours")
                .isEqualTo("3");
        assertThat(overwritten.hasNote()).as("the amended document's Condition").isFalse();
        DocumentReference retired = amendmentNote(written);
        assertThat(retired.getIdElement().getIdPart())
                .isEqualTo(note.getIdElement().getIdPart());
        assertThat(retired.getStatus())
                .as("no note asking for a reconciliation stays current")
                .isEqualTo(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);

        clinicianEdits(conditionId, "Reviewed again: unchanged.");
        ObjectNode v3 = v1.deepCopy().put("version", 3).put("status", "amended").put("odi", 38);
        String third = accepted(v3);
        awaitState(third, "CONFLICT");
        assertThat(amendmentNote(written).getStatus())
                .as("a new amendment, a current note again")
                .isEqualTo(Enumerations.DocumentReferenceStatus.CURRENT);
        assertThat(resolve(third, "keep-ehr").getStatusCode().value()).isEqualTo(202);
        awaitState(third, "SYNCED");
        Condition theClinicians = EHR.client()
                .read()
                .resource(Condition.class)
                .withId(conditionId)
                .execute();
        assertThat(theClinicians.getMeta().getVersionId()).as("untouched").isEqualTo("4");
        assertThat(theClinicians.getNoteFirstRep().getText()).isEqualTo("Reviewed again: unchanged.");
        assertNoDuplicateIdentifiers(Set.of("Condition", "DocumentReference"));
    }

    private String accepted(ObjectNode doc) {
        ResponseEntity<String> answer = post(Fixtures.json(doc));
        assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(202);
        return json(answer.getBody()).get("trackingId").asText();
    }

    private static JsonNode conditionIn(JsonNode tracking) {
        for (JsonNode resource : tracking.get("resources")) {
            if (resource.get("resourceType").asText().equals("Condition")) {
                return resource;
            }
        }
        throw new AssertionError("no Condition written: " + tracking);
    }

    /** As a clinician would: the EHR's current version, changed, PUT back. */
    private static void clinicianEdits(String conditionId, String text) {
        Condition condition = EHR.client()
                .read()
                .resource(Condition.class)
                .withId(conditionId)
                .execute();
        condition.getNote().clear();
        condition.addNote().setText(text);
        EHR.client().update().resource(condition).execute();
    }

    /** The note about the amendment of {@code written}, found by its business identifier. */
    private static DocumentReference amendmentNote(JsonNode written) {
        String identifier = written.get("businessIdentifier").asText() + FallbackNote.AMENDMENT_SUFFIX;
        List<DocumentReference> notes = EHR
                .client()
                .search()
                .forResource(DocumentReference.class)
                .where(DocumentReference.IDENTIFIER.exactly().code(identifier.substring(identifier.indexOf('|') + 1)))
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class)
                .execute()
                .getEntry()
                .stream()
                .map(e -> (DocumentReference) e.getResource())
                .toList();
        assertThat(notes).as("one amendment note for " + identifier).hasSize(1);
        return notes.get(0);
    }

    private ResponseEntity<String> resolve(String trackingId, String resolution) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity(
                "/api/v1/documents/" + trackingId + "/resolve",
                new HttpEntity<>("{\"resolution\": \"" + resolution + "\"}", headers),
                String.class);
    }

    /** Resources the tracking views list as written, by type (distinct server ids). */
    private Map<String, Integer> writtenByType(List<String> trackingIds) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (String trackingId : trackingIds) {
            for (JsonNode resource : track(trackingId).get("resources")) {
                ids.computeIfAbsent(resource.get("resourceType").asText(), k -> new java.util.HashSet<>())
                        .add(resource.get("serverId").asText());
            }
        }
        Map<String, Integer> counts = new TreeMap<>();
        ids.forEach((type, set) -> counts.put(type, set.size()));
        return counts;
    }

    private static Map<String, Integer> countsIn(Set<String> types) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String type : types) {
            counts.put(type, EHR.count(type));
        }
        return counts;
    }

    private static void assertNoDuplicateIdentifiers(Set<String> types) {
        for (String type : types) {
            EHR.resourcesByBridgeIdentifier(type).forEach((identifier, ids) -> assertThat(ids)
                    .as(type + " with business identifier " + identifier)
                    .hasSize(1));
        }
    }

    private ResponseEntity<String> post(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity("/api/v1/documents", new HttpEntity<>(body, headers), String.class);
    }

    private void awaitState(String trackingId, String state) {
        await().atMost(SYNC_WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                        track(trackingId).get("state").asText())
                .as(track(trackingId).toString())
                .isEqualTo(state));
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
}
