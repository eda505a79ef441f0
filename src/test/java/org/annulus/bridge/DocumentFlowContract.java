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
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The walking skeleton, end to end, as a user sees it: a document goes in over REST or the file
 * drop and comes out in the (sandbox) EHR. Run once per database by its subclasses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
abstract class DocumentFlowContract {

    static final Duration SYNC_WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    /** Sends the sandbox's demo-operator token: allowed everything the tests do. */
    TestRestTemplate http;

    @Autowired
    void asOperator(TestRestTemplate template) {
        http = TestTokens.sandbox(template, TestTokens.OPERATOR);
    }

    /** The sandbox's demo-auditor token (bridge.audit). */
    TestRestTemplate auditor;

    @Autowired
    void asAuditor(TestRestTemplate template) {
        auditor = TestTokens.sandbox(template, TestTokens.AUDITOR);
    }

    @Autowired
    org.annulus.bridge.audit.AuditLog auditLog;

    @Autowired
    org.annulus.bridge.profiles.ResourceValidator validator;

    @Autowired
    SandboxEhr ehr;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

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
        String sciatica = Fixtures.identifier(doc, "condition-sciatica");
        List<Condition> conditions = conditionsWithIdentifier(sciatica);
        assertThat(conditions).hasSize(1);
        assertThat(conditions.get(0).getSubject().getReference()).isEqualTo("Patient/sbx-ana-rivera");
        assertThat(tracking.get("resources").findValuesAsText("businessIdentifier"))
                .contains("http://annulus.org/fhir/sid/bridge-resource|" + sciatica);
        org.hl7.fhir.r4.model.Provenance provenance = (org.hl7.fhir.r4.model.Provenance)
                ehr.read("Provenance", "bridge-" + trackingId).orElseThrow();
        assertThat(provenance.getEntityFirstRep().getWhat().getDisplay())
                .contains("sha256:" + tracking.get("sha256").asText());
        // every resource written, with the version the EHR gave it
        assertThat(provenance.getTarget())
                .extracting(org.hl7.fhir.r4.model.Reference::getReference)
                .contains("Condition/" + conditions.get(0).getIdElement().getIdPart() + "/_history/"
                        + conditions.get(0).getIdElement().getVersionIdPart())
                .allMatch(t -> t.matches("[A-Za-z]+/[^/]+/_history/[^/]+"));
    }

    @Test
    void everyExampleKindIsAcceptedAndSynced() {
        for (String name :
                List.of("candidacy-unilateral-left", "procedure-single-level", "milestone-normal-activity")) {
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
        assertThat(issues(conflict))
                .extracting(i -> i.path("expression").path(0).asText())
                .containsExactly("$.version");
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
        assertThat(issues(response))
                .extracting(i -> i.path("expression").path(0).asText())
                .contains("$.patient.mrn", "$.legPain.nrs", "$.favouriteColour");
        assertThat(issues(response))
                .extracting(i -> i.path("code").asText())
                .contains("required", "value", "structure");
    }

    @Test
    void unknownKindIsRefusedAtKind() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        doc.put("kind", "discharge-summary");

        ResponseEntity<String> response = post(Fixtures.json(doc));

        assertRefusedAt(response, "$.kind");
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
        assertThat(status(http, "/api/v1/schemas/nonsense")).isEqualTo(404);
    }

    @Test
    void theV11CandidacyGoldensSyncToTheSandbox() throws IOException {
        try (Stream<Path> files = Files.list(Fixtures.ROOT.resolve("golden"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("candidacy-v1-1-")
                            && f.toString().endsWith(".input.json"))
                    .sorted()
                    .toList()) {
                ObjectNode doc = (ObjectNode) JSON.readTree(file.toFile());
                doc.put(
                        "documentId",
                        "CA-" + java.util.UUID.randomUUID().toString().substring(0, 18));

                ResponseEntity<String> response = post(Fixtures.json(doc));

                assertThat(response.getStatusCode().value())
                        .as(file + ": " + response.getBody())
                        .isEqualTo(202);
                JsonNode tracking =
                        awaitState(json(response.getBody()).get("trackingId").asText(), "SYNCED");
                assertThat(tracking.get("resources").findValuesAsText("businessIdentifier"))
                        .as(file.toString())
                        .anyMatch(id -> id.endsWith("/documentreference-consult-note"));
            }
        }
    }

    @Test
    void aContradictionIsAWarningInTheHistoryAndTheDocumentStillSyncs() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        doc.put("schemaVersion", "1.1");
        ((ObjectNode) doc.get("determination")).putObject("criteria").put("discHeightPreserved", false);

        String trackingId =
                json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();

        JsonNode tracking = awaitState(trackingId, "SYNCED");
        assertThat(states(tracking)).containsExactly("ACCEPTED", "MAPPED", "SENDING", "SYNCED");
        assertThat(tracking.get("history").get(1).get("reason").asText())
                .contains("warnings: decision is candidate while criterion disc-height-preserved is false");
        assertThat(tracking.get("resources").findValuesAsText("businessIdentifier"))
                .contains("http://annulus.org/fhir/sid/bridge-resource|"
                        + Fixtures.identifier(doc, "documentreference-consult-note"));
    }

    @Test
    void eachContractVersionIsServedAndTheNewestIsTheDefault() {
        ResponseEntity<String> v1 = http.getForEntity("/api/v1/schemas/candidacy-assessment/1", String.class);
        ResponseEntity<String> v11 = http.getForEntity("/api/v1/schemas/candidacy-assessment/1.1", String.class);
        ResponseEntity<String> newest = http.getForEntity("/api/v1/schemas/candidacy-assessment", String.class);

        assertThat(json(v1.getBody()).at("/properties/schemaVersion/const").asText())
                .isEqualTo("1");
        assertThat(json(v11.getBody()).at("/properties/schemaVersion/const").asText())
                .isEqualTo("1.1");
        assertThat(json(newest.getBody())).isEqualTo(json(v11.getBody()));
        assertThat(status(http, "/api/v1/schemas/candidacy-assessment/2")).isEqualTo(404);
    }

    @Test
    void unknownSchemaVersionIsRefusedAtSchemaVersion() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        doc.put("schemaVersion", "2");

        ResponseEntity<String> response = post(Fixtures.json(doc));

        assertRefusedAt(response, "$.schemaVersion");
    }

    @Test
    void unknownMrnWaitsForAPatientMatch() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("mrn", "000000");

        String trackingId =
                json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();

        JsonNode tracking = awaitState(trackingId, "AWAITING_PATIENT_MATCH");
        assertThat(tracking.get("history").get(3).get("reason").asText()).contains("no EHR patient has this MRN");
        release(trackingId);
    }

    @Test
    void ambiguousMrnWaitsWithTheCandidatesListed() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("mrn", "448899");

        String trackingId =
                json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();

        JsonNode tracking = awaitState(trackingId, "AWAITING_PATIENT_MATCH");
        assertThat(tracking.get("history").get(3).get("reason").asText()).contains("2 EHR patients", "candidates");
        release(trackingId);
    }

    @Test
    void anOperatorChoosesThePatientAndTheDocumentContinues() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("mrn", "448899");
        String trackingId =
                json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();
        awaitState(trackingId, "AWAITING_PATIENT_MATCH");

        ResponseEntity<String> chosen = http.postForEntity(
                "/api/v1/documents/" + trackingId + "/patient",
                jsonEntity("{\"patientId\": \"Patient/sbx-tomas-novak\"}"),
                String.class);

        assertThat(chosen.getStatusCode().value()).isEqualTo(202);
        awaitState(trackingId, "SYNCED");
        assertThat(conditionsWithIdentifier(Fixtures.identifier(doc, "condition-sciatica"))
                        .get(0)
                        .getSubject()
                        .getReference())
                .isEqualTo("Patient/sbx-tomas-novak");
        assertThat(http.postForEntity(
                                "/api/v1/documents/" + trackingId + "/patient",
                                jsonEntity("{\"patientId\": \"sbx-tomas-novak\"}"),
                                String.class)
                        .getStatusCode()
                        .value())
                .isEqualTo(409);
    }

    @Test
    void aMatchWhoseNameOrBirthDateDisagreesIsParked() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("family", "Smith");

        String trackingId =
                json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();

        JsonNode tracking = awaitState(trackingId, "AWAITING_PATIENT_MATCH");
        assertThat(tracking.get("history").findValuesAsText("reason").toString())
                .contains("different family name");
        release(trackingId);
    }

    @Test
    void aParkedDocumentCanBeReplayed() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("mrn", "000001");
        String trackingId =
                json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();
        awaitState(trackingId, "AWAITING_PATIENT_MATCH");

        ResponseEntity<String> replay =
                http.postForEntity("/api/v1/documents/" + trackingId + "/replay", null, String.class);

        assertThat(replay.getStatusCode().value()).isEqualTo(202);
        await().atMost(SYNC_WAIT)
                .until(() -> states(track(trackingId)).stream()
                                .filter("AWAITING_PATIENT_MATCH"::equals)
                                .count()
                        == 2);
        assertThat(track(trackingId).get("history").findValuesAsText("reason")).contains("replayed by an operator");
        assertThat(postStatus("/api/v1/documents/replay?state=SYNCED")).isEqualTo(422);
        assertThat(postStatus("/api/v1/documents/no-such/replay")).isEqualTo(404);
        release(trackingId);
    }

    /**
     * Issue 13, item 2: a patient's later document waits behind an earlier parked one, visibly, until an
     * operator releases the parked one; the release is in its history and in the audit log.
     */
    @Test
    void aLaterDocumentWaitsBehindAParkedOneUntilAnOperatorReleasesIt() {
        String mrn = "9" + String.valueOf(System.nanoTime()).substring(9);
        ObjectNode assessment = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) assessment.get("patient")).put("mrn", mrn);
        ObjectNode procedure = Fixtures.fresh("procedure-single-level");
        ((ObjectNode) procedure.get("patient")).put("mrn", mrn);
        String parked = json(post(Fixtures.json(assessment)).getBody())
                .get("trackingId")
                .asText();
        String later =
                json(post(Fixtures.json(procedure)).getBody()).get("trackingId").asText();
        awaitState(parked, "AWAITING_PATIENT_MATCH");

        JsonNode waiting = track(later);
        assertThat(waiting.get("state").asText()).isEqualTo("ACCEPTED");
        assertThat(waiting.at("/waitingFor/trackingId").asText()).isEqualTo(parked);
        assertThat(waiting.at("/waitingFor/state").asText()).isEqualTo("AWAITING_PATIENT_MATCH");
        assertThat(http.postForEntity("/api/v1/documents/" + later + "/release", null, String.class)
                        .getStatusCode()
                        .value())
                .as("only a parked document is released")
                .isEqualTo(409);
        assertThat(http.postForEntity("/api/v1/documents/no-such/release", null, String.class)
                        .getStatusCode()
                        .value())
                .isEqualTo(404);

        release(parked);

        // the later one goes on (and parks too: its MRN is unknown as well)
        JsonNode moved = awaitState(later, "AWAITING_PATIENT_MATCH");
        assertThat(moved.has("waitingFor")).isFalse();
        JsonNode released = track(parked);
        assertThat(released.get("state").asText()).isEqualTo("AWAITING_PATIENT_MATCH");
        assertThat(released.get("history").findValuesAsText("reason"))
                .anyMatch(r -> r.startsWith("released by an operator"));
        List<String> operations = new java.util.ArrayList<>();
        auditLog.records(null, parked, null, null, r -> {
            if ("AuditEvent".equals(r.kind()) && r.content().contains("\"operation\"")) {
                operations.add(r.content());
            }
        });
        assertThat(operations).as("the release is audited").isNotEmpty();
        release(later);
    }

    /** An operator lets the patient's later documents go past a parked one (a test leaves none holding back). */
    void release(String trackingId) {
        assertThat(http.postForEntity("/api/v1/documents/" + trackingId + "/release", null, String.class)
                        .getStatusCode()
                        .value())
                .isEqualTo(202);
    }

    @Test
    void outboxDepthAndEhrAnswersAreMetrics() {
        syncOrFail(Fixtures.fresh("candidacy-unilateral-left"));

        String metrics = http.getForObject("/actuator/prometheus", String.class);

        assertThat(metrics)
                .contains(
                        "bridge_outbox_depth{",
                        "state=\"SYNCED\"",
                        "state=\"CONFLICT\"",
                        "state=\"NEEDS_REVIEW\"",
                        "bridge_outbox_oldest_pending_seconds",
                        "bridge_ehr_responses_total{",
                        "bridge_sync_latency_seconds_bucket");
    }

    @Test
    void droppedFileIsProcessedAndSynced() throws IOException {
        ObjectNode doc = Fixtures.fresh("procedure-single-level");
        String name = doc.get("documentId").asText() + ".json";

        drop(name, doc);

        await().atMost(SYNC_WAIT)
                .until(() -> filesIn(
                                        inbox().resolve("processed"),
                                        doc.get("documentId").asText())
                                .size()
                        == 1);
        assertThat(inbox().resolve(name)).doesNotExist();
        String procedure = Fixtures.identifier(doc, "procedure-L4-L5");
        await().atMost(SYNC_WAIT)
                .until(() -> ehr.all("Procedure").stream().anyMatch(r -> ((org.hl7.fhir.r4.model.Procedure) r)
                        .getIdentifier().stream().anyMatch(i -> procedure.equals(i.getValue()))));
    }

    @Test
    void droppedInvalidFileIsMovedToRejectedWithItsReason() throws IOException {
        ObjectNode doc = Fixtures.fresh("milestone-normal-activity");
        doc.put("milestone", "walked-on-the-moon");
        String base = doc.get("documentId").asText();

        JsonNode outcome = dropAndAwaitRejection(base, doc);
        assertThat(outcome.get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.get("issue").get(0).get("expression").get(0).asText())
                .isEqualTo("$.milestone");
    }

    @Test
    void anAmendmentUpdatesWhatTheFirstVersionWroteAndRetractsWhatItDropped() {
        ObjectNode v1 = Fixtures.fresh("candidacy-unilateral-left");
        ObjectNode l5s1 = (ObjectNode) v1.at("/imaging/0/findings/1");
        l5s1.put("annularTear", true).put("tearLocation", "posterolateral-left");
        syncOrFail(v1);
        String id = v1.get("documentId").asText();
        assertThat(conditionsWithIdentifier(Fixtures.identifier(v1, "condition-annular-tear-L5-S1")))
                .hasSize(1);

        ObjectNode v2 = v1.deepCopy();
        v2.put("version", 2).put("status", "amended").put("odi", 40);
        ((ObjectNode) v2.at("/imaging/0/findings/1")).put("annularTear", false).remove("tearLocation");
        syncOrFail(v2);

        Condition droppedTear = conditionsWithIdentifier(Fixtures.identifier(v1, "condition-annular-tear-L5-S1"))
                .get(0);
        assertThat(droppedTear.getVerificationStatus().getCodingFirstRep().getCode())
                .isEqualTo("entered-in-error");
        assertThat(conditionsWithIdentifier(Fixtures.identifier(v1, "condition-annular-tear-L4-L5")))
                .hasSize(1)
                .allMatch(c -> "confirmed"
                        .equals(c.getVerificationStatus().getCodingFirstRep().getCode()));
        List<org.hl7.fhir.r4.model.Observation> odi =
                observationsWithIdentifier(Fixtures.identifier(v1, "observation-odi"));
        assertThat(odi).hasSize(1);
        assertThat(odi.get(0).getValueQuantity().getValue().intValue()).isEqualTo(40);
        assertThat(odi.get(0).getStatus().toCode()).isEqualTo("amended");
        // Issue 9, point 7: what the amendment did not change keeps its status.
        assertThat(observationsWithIdentifier(Fixtures.identifier(v1, "observation-back-pain")))
                .singleElement()
                .extracting(o -> o.getStatus().toCode())
                .isEqualTo("final");
    }

    @Test
    void enteredInErrorRetractsEverythingTheDocumentWrote() {
        ObjectNode v1 = Fixtures.fresh("candidacy-unilateral-left");
        syncOrFail(v1);
        ObjectNode retracted = v1.deepCopy();
        retracted.put("version", 2).put("status", "entered-in-error");

        syncOrFail(retracted);

        String prefix = Fixtures.identifier(v1, "");
        assertThat(conditionsWithIdentifier(prefix + "condition-sciatica"))
                .hasSize(1)
                .allMatch(c -> "entered-in-error"
                                .equals(c.getVerificationStatus()
                                        .getCodingFirstRep()
                                        .getCode())
                        && !c.hasClinicalStatus());
        assertThat(observationsWithIdentifier(prefix + "observation-leg-pain"))
                .hasSize(1)
                .allMatch(o -> o.getStatus() == org.hl7.fhir.r4.model.Observation.ObservationStatus.ENTEREDINERROR);
    }

    @Test
    void aStaleVersionArrivingLateChangesNothing() {
        ObjectNode v1 = Fixtures.fresh("candidacy-unilateral-left");
        ObjectNode v2 = v1.deepCopy();
        v2.put("version", 2).put("status", "amended").put("odi", 40);
        syncOrFail(v2);

        String stale = json(post(Fixtures.json(v1)).getBody()).get("trackingId").asText();

        JsonNode tracking = awaitState(stale, "SUPERSEDED");
        assertThat(tracking.get("history").findValuesAsText("reason").toString())
                .contains("version 2");
        assertThat(observationsWithIdentifier(Fixtures.identifier(v1, "observation-odi"))
                        .get(0)
                        .getValueQuantity()
                        .getValue()
                        .intValue())
                .isEqualTo(40);
    }

    @Test
    void milestonesArrivingLateAndOutOfOrderEndInTheSameEhrState() {
        String inOrder = recoveryPlanAfter(List.of("candidacy", "note", "m1", "m2", "m3"));
        String outOfOrder = recoveryPlanAfter(List.of("m3", "candidacy", "m1", "note", "m2"));

        assertThat(outOfOrder).isEqualTo(inOrder);
        assertThat(inOrder)
                .contains(
                        "light-walking=completed",
                        "normal-activity=completed",
                        "follow-up-3-months=completed",
                        "goal-normal-activity=achieved");
    }

    @Test
    void aFollowUpEpisodeReachesTheEhrAsAClinicianReadsIt() {
        // Issue 9, points 3, 4, 5 and 10 end to end: a v1 follow-up keeps the baseline's side, each
        // milestone has its progress note, the lot is data, and full benefit puts the sciatica in remission.
        ObjectNode candidacy = Fixtures.fresh("candidacy-unilateral-left");
        ObjectNode note = Fixtures.fresh("procedure-single-level");
        note.put("candidacyDocumentId", candidacy.get("documentId").asText());
        ObjectNode followUp = Fixtures.fresh("milestone-normal-activity");
        followUp.put("procedureDocumentId", note.get("documentId").asText());
        followUp.putArray("adverseEvents").addObject().put("code", "discitis").put("severity", "moderate");
        ObjectNode fullBenefit = Fixtures.fresh("milestone-normal-activity");
        fullBenefit
                .put("procedureDocumentId", note.get("documentId").asText())
                .put("milestone", "full-benefit")
                .put("daysSinceProcedure", 150)
                .put("recordedAt", "2026-08-17T09:00:00-05:00")
                .put("legPainNrs", 1);
        for (ObjectNode doc : List.of(candidacy, note, followUp, fullBenefit)) {
            syncOrFail(doc);
        }

        assertThat(observationsWithIdentifier(Fixtures.identifier(followUp, "observation-leg-pain")))
                .singleElement()
                .satisfies(o -> assertThat(o.getBodySite().getCodingFirstRep().getCode())
                        .as("left leg, from the baseline")
                        .isEqualTo("32153003"));
        for (ObjectNode m : List.of(followUp, fullBenefit)) {
            String id = Fixtures.identifier(m, "document-progress-note");
            assertThat(ehr.all("DocumentReference").stream()
                            .map(org.hl7.fhir.r4.model.DocumentReference.class::cast)
                            .filter(d -> d.getIdentifier().stream()
                                    .map(Identifier::getValue)
                                    .anyMatch(id::equals)))
                    .as(id)
                    .singleElement()
                    .satisfies(d -> assertThat(d.getType().getCodingFirstRep().getCode())
                            .isEqualTo("11506-3"));
        }
        String adverse = Fixtures.identifier(followUp, "condition-complication-discitis");
        assertThat(conditionsWithIdentifier(adverse)).singleElement().satisfies(c -> assertThat(
                        c.getCategoryFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("problem-list-item"));
        String procedure = Fixtures.identifier(note, "procedure-L4-L5");
        assertThat(ehr.all("Procedure").stream()
                        .map(org.hl7.fhir.r4.model.Procedure.class::cast)
                        .filter(p -> p.getIdentifier().stream()
                                .map(Identifier::getValue)
                                .anyMatch(procedure::equals)))
                .singleElement()
                .satisfies(p -> assertThat(p.getComplicationDetail())
                        .extracting(r -> r.getIdentifier().getValue())
                        .containsExactly(adverse));
        String lot = Fixtures.identifier(note, "medication-fibrin-L4-L5");
        assertThat(ehr.all("Medication").stream()
                        .map(org.hl7.fhir.r4.model.Medication.class::cast)
                        .filter(r -> r.getIdentifier().stream()
                                .map(Identifier::getValue)
                                .anyMatch(lot::equals)))
                .singleElement()
                .satisfies(r -> assertThat(r.getBatch().getLotNumber()).isEqualTo("FS-88321"));
        assertThat(conditionsWithIdentifier(Fixtures.identifier(candidacy, "condition-sciatica")))
                .singleElement()
                .satisfies(c -> assertThat(
                                c.getClinicalStatus().getCodingFirstRep().getCode())
                        .isEqualTo("remission"));
    }

    // --- point 4: a document stays with its patient

    @Test
    void aLaterVersionForAnotherPatientIsA409AndTheFirstPatientsConditionIsUntouched() throws IOException {
        ObjectNode v1 = Fixtures.fresh("candidacy-unilateral-left");
        syncOrFail(v1);
        String sciatica = Fixtures.identifier(v1, "condition-sciatica");
        Condition before = conditionsWithIdentifier(sciatica).get(0);
        ObjectNode v2 = v1.deepCopy();
        v2.put("version", 2).put("status", "amended").put("odi", 40);
        ((ObjectNode) v2.get("patient")).put("mrn", "448813").put("family", "Okafor"); // another sandbox patient

        ResponseEntity<String> conflict = post(Fixtures.json(v2));

        assertThat(conflict.getStatusCode().value()).isEqualTo(409);
        assertThat(issues(conflict))
                .extracting(i -> i.path("expression").path(0).asText())
                .containsExactly("$.patient");
        assertThat(versionsStored(v1.get("documentId").asText())).isEqualTo(1);
        Condition after = conditionsWithIdentifier(sciatica).get(0);
        assertThat(after.getSubject().getReference()).isEqualTo("Patient/sbx-ana-rivera");
        assertThat(after.getMeta().getVersionId()).isEqualTo(before.getMeta().getVersionId());
        assertThat(conditionsWithIdentifier(Fixtures.identifier(v2, "condition-sciatica")))
                .isEmpty();

        // the same over the file drop: rejected/ with the reason, nothing stored
        String base = v1.get("documentId").asText() + "-v2";
        assertThat(dropAndAwaitRejection(base, v2).at("/issue/0/expression/0").asText())
                .isEqualTo("$.patient");
        assertThat(versionsStored(v1.get("documentId").asText())).isEqualTo(1);
    }

    @Test
    void oneDocumentIdOfTwoPatientsNeverAddressesTheSameResources() {
        ObjectNode ana = Fixtures.fresh("candidacy-unilateral-left");
        ObjectNode marcus = ana.deepCopy();
        ((ObjectNode) marcus.get("patient")).put("mrn", "448813");

        assertThat(Fixtures.identifier(ana, "condition-sciatica"))
                .isNotEqualTo(Fixtures.identifier(marcus, "condition-sciatica"))
                .doesNotContain("448812");
    }

    // --- point 5 and 6: hostile input, on both databases

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("org.annulus.bridge.HostileInput#cases")
    void hostileInputIsRefusedPreciselyAndNothingIsStored(HostileInput.Case c) {
        ObjectNode doc = Fixtures.fresh(c.fixture());
        String documentId = doc.get("documentId").asText(); // before the mutation, which may remove it
        long storedBefore = documentsStored();

        RawHttp.Response response = send(c.request().apply(doc));

        assertThat(response.status()).as(response.body()).isEqualTo(c.status());
        assertThat(response.contentType()).startsWith("application/fhir+json");
        JsonNode outcome = json(response.body());
        assertThat(outcome.get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.get("issue").findValues("expression").stream()
                        .map(e -> e.get(0).asText())
                        .distinct()
                        .sorted()
                        .toList())
                .as(response.body())
                .isEqualTo(c.expressions());
        assertThat(documentsStored()).isEqualTo(storedBefore);
        assertThat(versionsStored(documentId)).isZero();
    }

    @Test
    void hostileInputTableHasAtLeastSixtyCases() {
        assertThat(HostileInput.cases().count() - HostileInput.generated().count())
                .as("hand-written rows")
                .isGreaterThanOrEqualTo(60);
    }

    @Test
    void aByteOrderMarkIsAcceptedAtIntakeAndTheDocumentSyncs() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        byte[] json = Fixtures.json(doc).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);

        RawHttp.Response response = send(RawHttp.Request.json(withBom));

        assertThat(response.status()).as(response.body()).isEqualTo(202);
        JsonNode tracking = awaitState(json(response.body()).get("trackingId").asText(), "SYNCED");
        assertThat(tracking.get("sha256").asText()).isEqualTo(sha256(json)); // stored without the mark
        assertThat(send(RawHttp.Request.json(json)).status())
                .as("the same document without the mark")
                .isEqualTo(200);
    }

    private String clinicToken;

    /** Every raw request of the hostile-input tests goes through here, as the demo clinic (bridge.ingest). */
    RawHttp.Response send(RawHttp.Request request) {
        if (clinicToken == null) {
            clinicToken = TestTokens.sandboxToken("http://127.0.0.1:" + port, TestTokens.CLINIC);
        }
        return RawHttp.post(port, "/api/v1/documents", List.of("Authorization: Bearer " + clinicToken), request);
    }

    long documentsStored() {
        return jdbc.sql("select count(*) from clinical_document")
                .query(Long.class)
                .single();
    }

    long versionsStored(String documentId) {
        return jdbc.sql("select count(*) from clinical_document where document_id = ?")
                .param(documentId)
                .query(Long.class)
                .single();
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one episode's documents in the given order; returns its CarePlan and Goal statuses. */
    String recoveryPlanAfter(List<String> order) {
        ObjectNode candidacy = Fixtures.fresh("candidacy-unilateral-left");
        ObjectNode note = Fixtures.fresh("procedure-single-level");
        note.put("candidacyDocumentId", candidacy.get("documentId").asText());
        java.util.Map<String, ObjectNode> docs =
                new java.util.HashMap<>(java.util.Map.of("candidacy", candidacy, "note", note));
        String[][] milestones = {
            {"m1", "light-walking", "3"}, {"m2", "normal-activity", "28"}, {"m3", "follow-up-3-months", "91"}
        };
        for (String[] m : milestones) {
            ObjectNode milestone = Fixtures.fresh("milestone-normal-activity");
            milestone
                    .put("procedureDocumentId", note.get("documentId").asText())
                    .put("milestone", m[1])
                    .put("daysSinceProcedure", Integer.parseInt(m[2]))
                    .put("legPainNrs", 2)
                    .put("odi", 20);
            milestone.put(
                    "recordedAt",
                    java.time.OffsetDateTime.parse("2026-03-20T10:00:00-05:00")
                            .plusDays(Integer.parseInt(m[2]))
                            .toString()
                            .replace("T10:00-05:00", "T10:00:00-05:00"));
            docs.put(m[0], milestone);
        }
        for (String key : order) {
            syncOrFail(docs.get(key));
        }
        String plan = Fixtures.identifier(note, "");
        org.hl7.fhir.r4.model.CarePlan carePlan = ehr.all("CarePlan").stream()
                .map(org.hl7.fhir.r4.model.CarePlan.class::cast)
                .filter(c -> c.getIdentifierFirstRep().getValue().equals(plan + "careplan-recovery"))
                .reduce((a, b) -> {
                    throw new AssertionError("duplicate CarePlan");
                })
                .orElseThrow();
        StringBuilder state =
                new StringBuilder("careplan=" + carePlan.getStatus().toCode());
        for (int i = 0; i < carePlan.getActivity().size(); i++) {
            state.append(", ")
                    .append(List.of(
                                    "light-walking",
                                    "physical-therapy",
                                    "normal-activity",
                                    "follow-up-6-weeks",
                                    "follow-up-3-months",
                                    "follow-up-6-months",
                                    "full-benefit")
                            .get(i))
                    .append('=')
                    .append(carePlan.getActivity()
                            .get(i)
                            .getDetail()
                            .getStatus()
                            .toCode());
        }
        ehr.all("Goal").stream()
                .map(org.hl7.fhir.r4.model.Goal.class::cast)
                .filter(g -> g.getIdentifierFirstRep().getValue().startsWith(plan))
                .sorted(java.util.Comparator.comparing(
                        g -> g.getIdentifierFirstRep().getValue()))
                .forEach(g -> state.append(", ")
                        .append(g.getIdentifierFirstRep().getValue().substring(plan.length()))
                        .append('=')
                        .append(g.getAchievementStatus().getCodingFirstRep().getCode()));
        return state.toString();
    }

    // --- issue 14: the auditor's trace (points 4 and 7)

    @Autowired
    TestRestTemplate anonymous;

    @Test
    void theTraceFollowsADocumentThroughItsAmendmentIntoTheEhrAndBack() {
        ObjectNode v1 = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) v1.at("/imaging/0/findings/1"))
                .put("annularTear", true)
                .put("tearLocation", "posterolateral-left");
        syncOrFail(v1);
        ObjectNode v2 = v1.deepCopy();
        v2.put("version", 2).put("status", "amended").put("odi", 40);
        ((ObjectNode) v2.at("/imaging/0/findings/1")).put("annularTear", false).remove("tearLocation");
        syncOrFail(v2);
        String documentId = v1.get("documentId").asText();
        TestRestTemplate auditor = TestTokens.sandbox(anonymous, TestTokens.AUDITOR);

        ResponseEntity<String> forward = auditor.getForEntity("/api/v1/trace?documentId=" + documentId, String.class);

        assertThat(forward.getStatusCode().value()).as(forward.getBody()).isEqualTo(200);
        JsonNode document = json(forward.getBody()).get("documents").get(0);
        assertThat(json(forward.getBody()).get("documents")).hasSize(1);
        assertThat(document.get("patientKey").asText()).matches("p[0-9a-f]{16}");
        JsonNode versions = document.get("versions");
        assertThat(versions).hasSize(2);
        assertThat(versions.findValuesAsText("status")).containsExactly("final", "amended");
        for (JsonNode version : versions) {
            JsonNode tracking = track(version.get("trackingId").asText());
            assertThat(version.get("sha256").asText())
                    .isEqualTo(tracking.get("sha256").asText());
            assertThat(version.at("/sourceCheck/check").asText()).isEqualTo("matches");
            assertThat(version.get("state").asText()).isEqualTo("SYNCED");
            assertThat(version.at("/mapping/resources").asInt()).isPositive();
            assertThat(version.at("/mapping/byType/Condition").asInt()).isPositive();
            assertThat(version.at("/validation/result").asText()).isEqualTo("passed");
            assertThat(version.get("attempts")).hasSize(1);
            assertThat(version.at("/attempts/0/result").asText()).isEqualTo("SYNCED");
            assertThat(version.at("/attempts/0/answer").asText()).contains("resources in the EHR");
            assertThat(version.get("provenance").asText())
                    .startsWith("Provenance/bridge-" + version.get("trackingId").asText());
            assertThat(version.get("resources").findValuesAsText("reference"))
                    .allMatch(r -> r.matches("[A-Za-z]+/[A-Za-z0-9.-]+/_history/[A-Za-z0-9.-]+"));
        }
        String droppedTear = "http://annulus.org/fhir/sid/bridge-resource|"
                + Fixtures.identifier(v1, "condition-annular-tear-L5-S1");
        JsonNode retracted = resourceWithIdentifier(versions.get(1), droppedTear);
        assertThat(retracted.get("role").asText()).isEqualTo("retracted");
        assertThat(resourceWithIdentifier(versions.get(0), droppedTear)
                        .get("role")
                        .asText())
                .isEqualTo("mapped");
        Condition sciatica = conditionsWithIdentifier(Fixtures.identifier(v1, "condition-sciatica"))
                .get(0);
        String sciaticaRef = "Condition/" + sciatica.getIdElement().getIdPart();
        JsonNode written = resourceWithIdentifier(
                versions.get(1),
                "http://annulus.org/fhir/sid/bridge-resource|" + Fixtures.identifier(v1, "condition-sciatica"));
        assertThat(written.get("reference").asText())
                .isEqualTo(sciaticaRef + "/_history/" + sciatica.getMeta().getVersionId());
        assertThat(written.get("link").asText())
                .isEqualTo("/sandbox/fhir/" + written.get("reference").asText());
        // what an auditor must not read here: the patient's name, MRN, birth date
        assertThat(forward.getBody()).doesNotContain("448812", "Rivera", "1979-06-14", "Ana");

        // back from the EHR resource, and from one tracked version: the same document, both versions
        JsonNode back = json(auditor.getForEntity("/api/v1/trace?resource=" + sciaticaRef, String.class)
                .getBody());
        assertThat(back.get("documents")).hasSize(1);
        assertThat(back.at("/documents/0/documentId").asText()).isEqualTo(documentId);
        assertThat(back.at("/documents/0/versions").findValues("matched")).isNotEmpty();
        JsonNode byTracking = json(http.getForEntity(
                        "/api/v1/trace?trackingId="
                                + versions.get(0).get("trackingId").asText(),
                        String.class)
                .getBody());
        assertThat(byTracking.at("/documents/0/versions")).hasSize(2);
    }

    @Test
    void theTraceIsForAuditorsAndOperatorsAndRefusesUnclearQueries() {
        TestRestTemplate clinic = TestTokens.sandbox(anonymous, TestTokens.CLINIC);
        TestRestTemplate auditor = TestTokens.sandbox(anonymous, TestTokens.AUDITOR);

        assertThat(status(anonymous, "/api/v1/trace?documentId=CA-1")).isEqualTo(401);
        assertThat(status(clinic, "/api/v1/trace?documentId=CA-1")).isEqualTo(403);
        ResponseEntity<String> unknown =
                auditor.getForEntity("/api/v1/trace?resource=Condition/no-such-id", String.class);
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(issues(unknown).get(0).at("/expression/0").asText()).isEqualTo("resource");
        ResponseEntity<String> both = auditor.getForEntity("/api/v1/trace?documentId=CA-1&trackingId=x", String.class);
        assertThat(both.getStatusCode().value()).isEqualTo(422);
        assertThat(json(both.getBody()).get("resourceType").asText()).isEqualTo("OperationOutcome");
        ResponseEntity<String> malformed = auditor.getForEntity("/api/v1/trace?resource=Condition", String.class);
        assertThat(malformed.getStatusCode().value()).isEqualTo(422);
        assertThat(issues(malformed).get(0).at("/expression/0").asText()).isEqualTo("resource");
    }

    static JsonNode resourceWithIdentifier(JsonNode version, String businessIdentifier) {
        for (JsonNode r : version.get("resources")) {
            if (r.get("businessIdentifier").asText().equals(businessIdentifier)) {
                return r;
            }
        }
        throw new AssertionError("no resource " + businessIdentifier + " in " + version);
    }

    // --- issue 14: the export (point 5)

    @Autowired
    ca.uhn.fhir.context.FhirContext fhir;

    @Test
    void theExportOfThePatientIsValidFhirAndVerifiesAgainstTheSignedCheckpoint() throws Exception {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ResponseEntity<String> submitted = post(Fixtures.json(doc));
        String trackingId = json(submitted.getBody()).get("trackingId").asText();
        awaitState(trackingId, "SYNCED");
        String marker = "export-" + java.util.UUID.randomUUID();
        auditLog.append(new org.annulus.bridge.audit.AuditLog.Entry(
                "AuditEvent",
                "Patient/sbx-ana-rivera",
                trackingId,
                fhir.newJsonParser().encodeResourceToString(sampleAuditEvent(marker))));
        TestRestTemplate auditor = TestTokens.sandbox(anonymous, TestTokens.AUDITOR);

        ResponseEntity<String> ndjson =
                auditor.getForEntity("/api/v1/audit/export?format=ndjson&patient=Patient/sbx-ana-rivera", String.class);

        assertThat(ndjson.getStatusCode().value()).as(ndjson.getBody()).isEqualTo(200);
        assertThat(ndjson.getHeaders().getContentType().toString()).startsWith("application/fhir+ndjson");
        List<String> lines = ndjson.getBody().lines().toList();
        assertThat(lines.stream().filter(l -> l.contains(marker))).hasSize(1);
        // the send's Provenance as the EHR accepted it, its targets with their EHR versions
        assertThat(lines.stream()
                        .map(DocumentFlowContract::json)
                        .filter(r -> "Provenance".equals(r.path("resourceType").asText())
                                && ("bridge-" + trackingId).equals(r.path("id").asText())))
                .singleElement()
                .satisfies(p -> assertThat(p.get("target").findValuesAsText("reference"))
                        .isNotEmpty()
                        .allMatch(t -> t.contains("/_history/")));
        JsonNode chain = json(lines.get(lines.size() - 1));
        assertThat(chain.get("id").asText()).isEqualTo("audit-chain");
        assertExportVerifies(lines.subList(0, lines.size() - 1), chain);

        ResponseEntity<String> bundle = auditor.getForEntity(
                "/api/v1/audit/export?format=bundle&patient="
                        + doc.at("/patient/mrn").asText() + "&from=2020-01-01",
                String.class);

        assertThat(bundle.getStatusCode().value()).isEqualTo(200);
        org.hl7.fhir.r4.model.Bundle parsed =
                fhir.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, bundle.getBody());
        assertThat(parsed.getType()).isEqualTo(org.hl7.fhir.r4.model.Bundle.BundleType.COLLECTION);
        assertThat(bundle.getBody()).contains(marker);
        org.annulus.bridge.profiles.ValidationReport report =
                validator.validate((org.hl7.fhir.instance.model.api.IBaseResource) parsed);
        assertThat(report.errors()).as(report.errors().toString()).isEmpty();
        // the export names the EHR patient but never the document's demographics
        assertThat(bundle.getBody()).doesNotContain("Rivera", "1979-06-14", "\"448812\"");
    }

    @Test
    void theExportIsForAuditorsOnlyAndRefusesAnUnknownFormatAtFormat() {
        assertThat(status(http, "/api/v1/audit/export")).as("operator").isEqualTo(403);
        assertThat(status(TestTokens.sandbox(anonymous, TestTokens.CLINIC), "/api/v1/audit/export"))
                .isEqualTo(403);
        ResponseEntity<String> xml = TestTokens.sandbox(anonymous, TestTokens.AUDITOR)
                .getForEntity("/api/v1/audit/export?format=xml", String.class);
        assertThat(xml.getStatusCode().value()).isEqualTo(422);
        assertThat(issues(xml).get(0).at("/expression/0").asText()).isEqualTo("format");
    }

    /** Recomputes every exported record's hashes, the chain's links up to the checkpoint, and its signature. */
    void assertExportVerifies(List<String> resources, JsonNode chain) throws Exception {
        String jws = null;
        List<JsonNode> records = new java.util.ArrayList<>();
        for (JsonNode p : chain.get("parameter")) {
            switch (p.get("name").asText()) {
                case "checkpoint" -> jws = p.get("valueString").asText();
                case "record" -> records.add(p);
                default -> {}
            }
        }
        assertThat(jws).isNotNull();
        com.nimbusds.jose.JWSObject checkpoint = com.nimbusds.jose.JWSObject.parse(jws);
        com.nimbusds.jose.jwk.JWKSet keys =
                com.nimbusds.jose.jwk.JWKSet.parse(anonymous.getForObject("/.well-known/jwks.json", String.class));
        com.nimbusds.jose.jwk.JWK key =
                keys.getKeyByKeyId(checkpoint.getHeader().getKeyID());
        assertThat(key).as("checkpoint signed with a published key").isNotNull();
        assertThat(checkpoint.verify(new com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory()
                        .createJWSVerifier(
                                checkpoint.getHeader(), ((com.nimbusds.jose.jwk.AsymmetricJWK) key).toPublicKey())))
                .isTrue();
        int exported = 0;
        String previous = null;
        for (JsonNode record : records) {
            java.util.Map<String, String> part = new java.util.HashMap<>();
            record.get("part")
                    .forEach(p -> part.put(
                            p.get("name").asText(), p.get(fieldAfterName(p)).asText()));
            if (previous != null) {
                assertThat(part.get("previousSha256"))
                        .as("link at " + part.get("seq"))
                        .isEqualTo(previous);
            }
            if (part.containsKey("contentSha256")) {
                assertThat(sha256(resources.get(exported++).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .isEqualTo(part.get("contentSha256"));
                String recomputed = sha256(String.join(
                                "\n",
                                part.get("seq"),
                                part.get("recordedAt"),
                                part.get("kind"),
                                part.getOrDefault("patient", ""),
                                part.getOrDefault("trackingId", ""),
                                part.get("contentSha256"),
                                part.get("previousSha256"))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertThat(recomputed).as("record hash at " + part.get("seq")).isEqualTo(part.get("recordSha256"));
            }
            previous = part.get("recordSha256");
        }
        assertThat(exported).isEqualTo(resources.size());
        java.util.Map<String, Object> signed = checkpoint.getPayload().toJSONObject();
        assertThat(previous).as("the chain ends at the signed checkpoint").isEqualTo(signed.get("sha256"));
    }

    private static String fieldAfterName(JsonNode p) {
        java.util.Iterator<String> names = p.fieldNames();
        names.next();
        return names.next();
    }

    static org.hl7.fhir.r4.model.AuditEvent sampleAuditEvent(String marker) {
        org.hl7.fhir.r4.model.AuditEvent event = new org.hl7.fhir.r4.model.AuditEvent();
        event.setType(new org.hl7.fhir.r4.model.Coding(
                "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
        event.addSubtype(
                new org.hl7.fhir.r4.model.Coding("http://hl7.org/fhir/restful-interaction", "create", "create"));
        event.setAction(org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.C);
        event.setRecorded(new java.util.Date());
        event.setOutcome(org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome._0);
        event.addAgent().setRequestor(true).getWho().setDisplay(marker);
        event.getSource().setSite("annulus-bridge").getObserver().setDisplay("annulus-bridge");
        event.addEntity().getWhat().setReference("Patient/sbx-ana-rivera");
        return event;
    }

    // --- helpers

    static HttpEntity<String> jsonEntity(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(body, headers);
    }

    @Test
    void everyEhrExchangeTokenRequestAndApiAccessLeavesAValidBalpAuditEvent() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        String trackingId =
                json(post(Fixtures.json(doc)).getBody()).get("trackingId").asText();
        awaitState(trackingId, "SYNCED");

        List<org.hl7.fhir.r4.model.AuditEvent> events = new java.util.ArrayList<>();
        ca.uhn.fhir.context.FhirContext fhir = ca.uhn.fhir.context.FhirContext.forR4Cached();
        auditLog.records(null, null, null, null, r -> {
            if ("AuditEvent".equals(r.kind())) { // the log also keeps each send's Provenance
                events.add(fhir.newJsonParser().parseResource(org.hl7.fhir.r4.model.AuditEvent.class, r.content()));
            }
        });

        assertThat(events).extracting(e -> e.getSubtypeFirstRep().getCode()).contains("create", "read", "110122");
        // patient matching is a query: the search is audited with its query (which holds the MRN) stored
        assertThat(events)
                .filteredOn(e -> e.getSubtypeFirstRep().getCode().equals("search-type"))
                .anySatisfy(e -> assertThat(e.getEntity())
                        .anyMatch(x -> "24".equals(x.getRole().getCode())
                                && new String(x.getQuery(), java.nio.charset.StandardCharsets.UTF_8)
                                        .startsWith("Patient?")));
        // the submit through our API names the document and the calling client
        assertThat(events)
                .filteredOn(e -> e.getSubtypeFirstRep().getCode().equals("create")
                        && e.getEntity().stream()
                                .anyMatch(x -> trackingId.equals(
                                        x.getWhat().getIdentifier().getValue())))
                .singleElement()
                .satisfies(e -> assertThat(
                                e.getAgentFirstRep().getWho().getIdentifier().getValue())
                        .isEqualTo(TestTokens.OPERATOR));
        // token requests carry the client id, never the token or the assertion
        assertThat(events)
                .filteredOn(e -> e.getSubtypeFirstRep().getCode().equals("110122"))
                .allSatisfy(e -> assertThat(fhir.newJsonParser().encodeResourceToString(e))
                        .doesNotContain("eyJ"));
        for (org.hl7.fhir.r4.model.AuditEvent e : events.subList(Math.max(0, events.size() - 12), events.size())) {
            assertThat(validator.validate(e).errors())
                    .as(fhir.newJsonParser().encodeResourceToString(e))
                    .isEmpty();
        }
    }

    @Test
    void auditVerificationNamesTheAlteredRecordAndTheDeletedOne() {
        syncOrFail(Fixtures.fresh("procedure-single-level"));
        assertThat(json(auditor.getForEntity("/api/v1/audit/verify", String.class)
                                .getBody())
                        .get("status")
                        .asText())
                .isEqualTo("OK");
        assertThat(status(http, "/api/v1/audit/verify"))
                .as("an operator is no auditor")
                .isEqualTo(403);
        long seq = jdbc.sql("select min(seq) + 2 from audit_record")
                .query(Long.class)
                .single();
        String content = jdbc.sql("select content from audit_record where seq = ?")
                .param(seq)
                .query(String.class)
                .single();
        try {
            jdbc.sql("update audit_record set content = ? where seq = ?")
                    .params(
                            content.replace("\"outcome\":\"0\"", "\"outcome\":\"4\"")
                                    .replace("Restful", "RESTful"),
                            seq)
                    .update();

            JsonNode altered = json(
                    auditor.getForEntity("/api/v1/audit/verify", String.class).getBody());

            assertThat(altered.get("status").asText()).isEqualTo("BROKEN");
            assertThat(altered.at("/firstBroken/seq").asLong()).isEqualTo(seq);
            assertThat(altered.at("/firstBroken/problem").asText()).contains("content altered");
        } finally {
            jdbc.sql("update audit_record set content = ? where seq = ?")
                    .params(content, seq)
                    .update();
        }
        var row = jdbc.sql("select * from audit_record where seq = ?")
                .param(seq + 1)
                .query()
                .singleRow();
        try {
            jdbc.sql("delete from audit_record where seq = ?").param(seq + 1).update();

            JsonNode deleted = json(
                    auditor.getForEntity("/api/v1/audit/verify", String.class).getBody());

            assertThat(deleted.get("status").asText()).isEqualTo("BROKEN");
            assertThat(deleted.at("/firstBroken/seq").asLong()).isEqualTo(seq + 1);
            assertThat(deleted.at("/firstBroken/problem").asText()).startsWith("missing");
        } finally {
            jdbc.sql("insert into audit_record (seq, recorded_at, kind, patient, tracking_id, content, content_sha256,"
                            + " previous_sha256, record_sha256) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(
                            row.get("seq"),
                            row.get("recorded_at"),
                            row.get("kind"),
                            row.get("patient"),
                            row.get("tracking_id"),
                            row.get("content"),
                            row.get("content_sha256"),
                            row.get("previous_sha256"),
                            row.get("record_sha256"))
                    .update();
        }
        assertThat(json(auditor.getForEntity("/api/v1/audit/verify", String.class)
                                .getBody())
                        .get("status")
                        .asText())
                .isEqualTo("OK");
    }

    @Autowired
    org.annulus.bridge.audit.AuditRetention auditRetention;

    @Test
    void purgingOldAuditRecordsKeepsTheChainVerifiableFromASignedStart() {
        syncOrFail(Fixtures.fresh("milestone-normal-activity"));
        long first =
                jdbc.sql("select min(seq) from audit_record").query(Long.class).single();
        java.time.OffsetDateTime cutoff = jdbc.sql("select recorded_at from audit_record where seq = ?")
                .param(first + 3)
                .query(java.time.OffsetDateTime.class)
                .single();

        int purged = auditRetention.purgeBefore(cutoff.toInstant());

        assertThat(purged).isPositive();
        long start = jdbc.sql("select start_seq from audit_chain where id = 1")
                .query(Long.class)
                .single();
        assertThat(jdbc.sql("select min(seq) from audit_record")
                        .query(Long.class)
                        .single())
                .isEqualTo(start + 1);
        assertThat(jdbc.sql("select count(*) from audit_checkpoint where seq = ?")
                        .param(start)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(json(auditor.getForEntity("/api/v1/audit/verify", String.class)
                                .getBody())
                        .get("status")
                        .asText())
                .isEqualTo("OK");
        String startHash = jdbc.sql("select start_sha256 from audit_chain where id = 1")
                .query(String.class)
                .single();
        try {
            jdbc.sql("update audit_chain set start_sha256 = ? where id = 1")
                    .param("f".repeat(64))
                    .update();

            JsonNode moved = json(
                    auditor.getForEntity("/api/v1/audit/verify", String.class).getBody());

            assertThat(moved.get("status").asText()).isEqualTo("BROKEN");
            assertThat(moved.at("/firstBroken/what").asText()).isEqualTo("checkpoint");
            assertThat(moved.at("/firstBroken/seq").asLong()).isEqualTo(start);
        } finally {
            jdbc.sql("update audit_chain set start_sha256 = ? where id = 1")
                    .param(startHash)
                    .update();
        }
    }

    void syncOrFail(ObjectNode doc) {
        ResponseEntity<String> response = post(Fixtures.json(doc));
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(202);
        awaitState(json(response.getBody()).get("trackingId").asText(), "SYNCED");
    }

    List<org.hl7.fhir.r4.model.Observation> observationsWithIdentifier(String value) {
        return ehr.all("Observation").stream()
                .map(org.hl7.fhir.r4.model.Observation.class::cast)
                .filter(c ->
                        c.getIdentifier().stream().map(Identifier::getValue).anyMatch(value::equals))
                .toList();
    }

    ResponseEntity<String> post(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity("/api/v1/documents", new HttpEntity<>(body, headers), String.class);
    }

    JsonNode awaitState(String trackingId, String state) {
        await().atMost(SYNC_WAIT)
                .until(() -> state.equals(track(trackingId).get("state").asText()));
        return track(trackingId);
    }

    JsonNode track(String trackingId) {
        return json(http.getForEntity("/api/v1/documents/" + trackingId, String.class)
                .getBody());
    }

    /** The status a GET of the path answers to this client. */
    static int status(TestRestTemplate as, String path) {
        return as.getForEntity(path, String.class).getStatusCode().value();
    }

    /** The status an operator's bodiless POST to the path is answered with. */
    int postStatus(String path) {
        return http.postForEntity(path, null, String.class).getStatusCode().value();
    }

    /** A 422 whose first issue points at the expression. */
    static void assertRefusedAt(ResponseEntity<String> response, String expression) {
        assertThat(response.getStatusCode().value()).isEqualTo(422);
        assertThat(issues(response).get(0).path("expression").path(0).asText()).isEqualTo(expression);
    }

    /** Drops the document into the inbox the way a clinic system should: written aside, then moved in. */
    void drop(String name, ObjectNode doc) throws IOException {
        Files.createDirectories(inbox());
        Path tmp = inbox().resolve(name + ".tmp");
        Files.writeString(tmp, Fixtures.json(doc));
        Files.move(tmp, inbox().resolve(name));
    }

    /** Drops {@code base.json} and waits until it is in rejected/ with its reason; the reason. */
    JsonNode dropAndAwaitRejection(String base, ObjectNode doc) throws IOException {
        drop(base + ".json", doc);
        await().atMost(SYNC_WAIT)
                .until(() -> filesIn(inbox().resolve("rejected"), base).size() == 2);
        Path reason = filesIn(inbox().resolve("rejected"), base).stream()
                .filter(p -> p.getFileName().toString().endsWith(".reason.json"))
                .findFirst()
                .orElseThrow();
        return json(Files.readString(reason));
    }

    static List<String> states(JsonNode tracking) {
        return tracking.get("history").findValuesAsText("to");
    }

    static List<JsonNode> issues(ResponseEntity<String> response) {
        ArrayNode issues = (ArrayNode) json(response.getBody()).get("issue");
        return Stream.iterate(0, i -> i < issues.size(), i -> i + 1)
                .map(issues::get)
                .toList();
    }

    List<Condition> conditionsWithIdentifier(String value) {
        return ehr.all("Condition").stream()
                .map(Condition.class::cast)
                .filter(c ->
                        c.getIdentifier().stream().map(Identifier::getValue).anyMatch(value::equals))
                .toList();
    }

    static List<Path> filesIn(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .toList();
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
