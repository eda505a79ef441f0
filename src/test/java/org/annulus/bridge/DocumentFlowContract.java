package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.annulus.bridge.sandbox.SandboxEhr;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.junit.jupiter.api.Test;
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
 * The walking skeleton, end to end, as a user sees it: a document goes in over REST or the file
 * drop and comes out in the (sandbox) EHR. Run once per database by its subclasses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class DocumentFlowContract {

    static final Duration SYNC_WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    TestRestTemplate http;

    @Autowired
    SandboxEhr ehr;

    static void workDirs(DynamicPropertyRegistry registry, Path work) {
        registry.add("bridge.intake.inbox", () -> work.resolve("inbox").toString());
        registry.add("bridge.sandbox.data-dir", () -> work.resolve("sandbox").toString());
        registry.add("bridge.outbox.poll-interval", () -> "100");
    }

    abstract Path inbox();

    @Test
    void candidacyAssessmentIsAcceptedSyncedAndVisibleInTheEhr() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");

        ResponseEntity<String> response = post(Fixtures.json(doc));

        assertThat(response.getStatusCode().value()).isEqualTo(202);
        String trackingId = json(response.getBody()).get("trackingId").asText();
        assertThat(response.getHeaders().getLocation()).hasToString("/api/v1/documents/" + trackingId);
        JsonNode tracking = awaitState(trackingId, "SYNCED");
        assertThat(states(tracking)).containsExactly("ACCEPTED", "MAPPED", "SENDING", "SYNCED");
        assertThat(tracking.get("sha256").asText()).hasSize(64);
        String sciatica = "candidacy-assessment/" + doc.get("documentId").asText() + "/condition-sciatica";
        List<Condition> conditions = conditionsWithIdentifier(sciatica);
        assertThat(conditions).hasSize(1);
        assertThat(conditions.get(0).getSubject().getReference()).isEqualTo("Patient/sbx-ana-rivera");
        assertThat(tracking.get("resources").findValuesAsText("businessIdentifier"))
                .contains("http://annulus.org/fhir/sid/bridge-resource|" + sciatica);
    }

    @Test
    void everyExampleKindIsAcceptedAndSynced() {
        for (String name : List.of("candidacy-unilateral-left", "procedure-single-level", "milestone-normal-activity")) {
            ResponseEntity<String> response = post(Fixtures.json(Fixtures.fresh(name)));
            assertThat(response.getStatusCode().value()).as(name).isEqualTo(202);
            awaitState(json(response.getBody()).get("trackingId").asText(), "SYNCED");
        }
    }

    @Test
    void theSameDocumentTwiceIsStoredOnceAndWrittenOnce() {
        String doc = Fixtures.json(Fixtures.fresh("candidacy-unilateral-left"));
        String first = json(post(doc).getBody()).get("trackingId").asText();
        awaitState(first, "SYNCED");

        ResponseEntity<String> again = post(doc);

        assertThat(again.getStatusCode().value()).isEqualTo(200);
        assertThat(json(again.getBody()).get("trackingId").asText()).isEqualTo(first);
        assertThat(json(again.getBody()).get("duplicate").asBoolean()).isTrue();
    }

    @Test
    void sameVersionWithDifferentContentIsAConflict() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        assertThat(post(Fixtures.json(doc)).getStatusCode().value()).isEqualTo(202);
        doc.put("odi", 30);

        ResponseEntity<String> conflict = post(Fixtures.json(doc));

        assertThat(conflict.getStatusCode().value()).isEqualTo(409);
        assertThat(issues(conflict)).extracting(i -> i.path("expression").path(0).asText()).containsExactly("$.version");
    }

    @Test
    void malformedJsonIsA400OperationOutcome() {
        ResponseEntity<String> response = post("{\"kind\": \"candidacy-assessment\", ");

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getHeaders().getContentType().toString()).startsWith("application/fhir+json");
        assertThat(json(response.getBody()).get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(issues(response).get(0).get("diagnostics").asText()).contains("malformed JSON at line 1");
    }

    @Test
    void schemaViolationsAreA422NamingEachFieldByPath() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).remove("mrn");
        ((ObjectNode) doc.get("legPain")).put("nrs", 11);
        doc.put("favouriteColour", "blue");

        ResponseEntity<String> response = post(Fixtures.json(doc));

        assertThat(response.getStatusCode().value()).isEqualTo(422);
        assertThat(issues(response)).extracting(i -> i.path("expression").path(0).asText())
                .contains("$.patient.mrn", "$.legPain.nrs", "$.favouriteColour");
        assertThat(issues(response)).extracting(i -> i.path("code").asText()).contains("required", "value", "structure");
    }

    @Test
    void unknownKindIsRefusedAtKind() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        doc.put("kind", "discharge-summary");

        ResponseEntity<String> response = post(Fixtures.json(doc));

        assertThat(response.getStatusCode().value()).isEqualTo(422);
        assertThat(issues(response).get(0).path("expression").path(0).asText()).isEqualTo("$.kind");
    }

    @Test
    void unknownTrackingIdIsA404() {
        ResponseEntity<String> response = http.getForEntity("/api/v1/documents/no-such-id", String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(404);
        assertThat(json(response.getBody()).get("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void publishedSchemasAreServed() {
        ResponseEntity<String> response = http.getForEntity("/api/v1/schemas/procedure-note", String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(json(response.getBody()).get("$id").asText()).endsWith("procedure-note.schema.json");
        assertThat(http.getForEntity("/api/v1/schemas/nonsense", String.class).getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void unknownMrnWaitsForAPatientMatch() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("mrn", "000000");

        String trackingId = json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();

        JsonNode tracking = awaitState(trackingId, "AWAITING_PATIENT_MATCH");
        assertThat(tracking.get("history").get(3).get("reason").asText()).contains("no EHR patient has this MRN");
    }

    @Test
    void ambiguousMrnWaitsWithTheCandidatesListed() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("mrn", "448899");

        String trackingId = json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();

        JsonNode tracking = awaitState(trackingId, "AWAITING_PATIENT_MATCH");
        assertThat(tracking.get("history").get(3).get("reason").asText()).contains("2 EHR patients", "candidates");
    }

    @Test
    void droppedFileIsProcessedAndSynced() throws IOException {
        ObjectNode doc = Fixtures.fresh("procedure-single-level");
        String name = doc.get("documentId").asText() + ".json";

        Files.createDirectories(inbox());
        Path tmp = inbox().resolve(name + ".tmp");
        Files.writeString(tmp, Fixtures.json(doc));
        Files.move(tmp, inbox().resolve(name));

        await().atMost(SYNC_WAIT).until(() -> filesIn(inbox().resolve("processed"), doc.get("documentId").asText()).size() == 1);
        assertThat(inbox().resolve(name)).doesNotExist();
        String procedure = "procedure-note/" + doc.get("documentId").asText() + "/procedure-L4-L5";
        await().atMost(SYNC_WAIT).until(() -> ehr.all("Procedure").stream()
                .anyMatch(r -> ((org.hl7.fhir.r4.model.Procedure) r).getIdentifier().stream()
                        .anyMatch(i -> procedure.equals(i.getValue()))));
    }

    @Test
    void droppedInvalidFileIsMovedToRejectedWithItsReason() throws IOException {
        ObjectNode doc = Fixtures.fresh("milestone-normal-activity");
        doc.put("milestone", "walked-on-the-moon");
        String base = doc.get("documentId").asText();

        Files.createDirectories(inbox());
        Path tmp = inbox().resolve(base + ".json.tmp");
        Files.writeString(tmp, Fixtures.json(doc));
        Files.move(tmp, inbox().resolve(base + ".json"));

        await().atMost(SYNC_WAIT).until(() -> filesIn(inbox().resolve("rejected"), base).size() == 2);
        Path reason = filesIn(inbox().resolve("rejected"), base).stream()
                .filter(p -> p.getFileName().toString().endsWith(".reason.json")).findFirst().orElseThrow();
        JsonNode outcome = json(Files.readString(reason));
        assertThat(outcome.get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.get("issue").get(0).get("expression").get(0).asText()).isEqualTo("$.milestone");
    }

    // --- helpers

    ResponseEntity<String> post(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity("/api/v1/documents", new HttpEntity<>(body, headers), String.class);
    }

    JsonNode awaitState(String trackingId, String state) {
        await().atMost(SYNC_WAIT).until(() -> state.equals(track(trackingId).get("state").asText()));
        return track(trackingId);
    }

    JsonNode track(String trackingId) {
        return json(http.getForEntity("/api/v1/documents/" + trackingId, String.class).getBody());
    }

    static List<String> states(JsonNode tracking) {
        return tracking.get("history").findValuesAsText("to");
    }

    static List<JsonNode> issues(ResponseEntity<String> response) {
        ArrayNode issues = (ArrayNode) json(response.getBody()).get("issue");
        return Stream.iterate(0, i -> i < issues.size(), i -> i + 1).map(issues::get).toList();
    }

    List<Condition> conditionsWithIdentifier(String value) {
        return ehr.all("Condition").stream().map(Condition.class::cast)
                .filter(c -> c.getIdentifier().stream().map(Identifier::getValue).anyMatch(value::equals))
                .toList();
    }

    static List<Path> filesIn(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
