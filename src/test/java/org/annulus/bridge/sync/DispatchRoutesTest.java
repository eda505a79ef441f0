package org.annulus.bridge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Stream;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.ehr.EhrWriteResult;
import org.annulus.bridge.intake.IntakeChannel;
import org.annulus.bridge.intake.IntakeResult;
import org.annulus.bridge.outbox.DocumentState;
import org.annulus.bridge.outbox.Outbox;
import org.annulus.bridge.outbox.TrackedDocument;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The branching of the routes in camel-routes/, with AdviceWith: a mock endpoint is woven in before
 * the mapping, validation and EHR steps of {@code sync-document}; a test makes one of them fail
 * the way that step fails and checks the state the route's failure path records. The routes are
 * loaded from a copy of camel-routes/ with the README's extension example applied (an archive wire
 * tap in the intake route), which proves that an edited route directory runs as edited. One Spring
 * context for all of them.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DispatchRoutesTest {

    /** The README's extension example, word for word (README.md, "Routes: adding a step"). */
    static final String README_WIRE_TAP = """
                    # Site addition: a copy of every document received, before the contract check.
                    - wireTap:
                        uri: "file:/var/lib/annulus/archive?fileName=${date:now:yyyyMMdd}/${exchangeId}.json"
            """;

    static final int MAX_FAILURES_BEFORE_SEND = 3;

    static final Path WORK = tempDir();
    static final Path ARCHIVE = WORK.resolve("archive");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("bridge.routes-dir", DispatchRoutesTest::editedRoutes);
        registry.add("bridge.intake.inbox", () -> WORK.resolve("inbox").toString());
        registry.add("bridge.sandbox.data-dir", () -> WORK.resolve("sandbox").toString());
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:mem:bridge-routes;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        // A short window: a Retry-After beyond it gives up at once, without waiting.
        registry.add("bridge.outbox.retry-for", () -> "1m");
        registry.add("bridge.outbox.max-failures-before-send", () -> String.valueOf(MAX_FAILURES_BEFORE_SEND));
    }

    /** camel-routes/ copied, with the README's wire tap added as its first intake step. */
    static String editedRoutes() {
        Path dir = WORK.resolve("routes");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(Path.of("camel-routes"))) {
                for (Path file : files.toList()) {
                    Files.copy(
                            file, dir.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path intake = dir.resolve("intake.yaml");
            String anchor = "      steps:\n";
            String routes = Files.readString(intake);
            assertThat(routes).contains(anchor);
            int at = routes.indexOf(anchor) + anchor.length();
            Files.writeString(
                    intake,
                    routes.substring(0, at)
                            + README_WIRE_TAP.replace("/var/lib/annulus/archive", ARCHIVE.toString())
                            + routes.substring(at));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.toString();
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    IntakeChannel intake;

    @Autowired
    Outbox outbox;

    @Autowired
    DocumentSync documentSync;

    MockEndpoint mapping;
    MockEndpoint validation;
    MockEndpoint composition;
    MockEndpoint ehr;

    @BeforeEach
    void adviseOnce() throws Exception {
        // The timer would race the tests for the documents: they drive sync-document themselves.
        camel.getRouteController().stopRoute("outbox-dispatch");
        if (camel.hasEndpoint("mock:mapping") == null) {
            AdviceWith.adviceWith(camel, "sync-document", route -> {
                route.weaveById("map-to-fhir").before().to("mock:mapping");
                route.weaveById("validate").before().to("mock:validation");
                route.weaveById("compose-send-time").before().to("mock:composition");
                route.weaveById("write-to-ehr").before().to("mock:ehr");
            });
        }
        mapping = camel.getEndpoint("mock:mapping", MockEndpoint.class);
        validation = camel.getEndpoint("mock:validation", MockEndpoint.class);
        composition = camel.getEndpoint("mock:composition", MockEndpoint.class);
        ehr = camel.getEndpoint("mock:ehr", MockEndpoint.class);
        MockEndpoint.resetMocks(camel);
        for (MockEndpoint mock : List.of(mapping, validation, composition, ehr)) {
            mock.whenAnyExchangeReceived(exchange -> {});
        }
    }

    @Test
    void aDocumentWithNoFailureGoesAllTheWayToSynced() {
        String id = acceptedForTheSandbox();

        sync(id);

        assertThat(states(id)).containsExactly("ACCEPTED", "MAPPED", "SENDING", "SYNCED");
        assertThat(outbox.find(id).orElseThrow().resources()).isNotEmpty();
        assertThat(ehr.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void aContractViolationIsAnsweredByTheIntakeRouteAndNothingIsStored() {
        var doc = Fixtures.fresh("candidacy-unilateral-left");
        doc.remove("kind");

        IntakeResult result = producer.requestBodyAndHeader(
                "direct:intake",
                Fixtures.json(doc).getBytes(StandardCharsets.UTF_8),
                IntakeChannel.SOURCE,
                "api",
                IntakeResult.class);

        assertThat(result).isInstanceOf(IntakeResult.Refused.class);
        IntakeResult.Refused refused = (IntakeResult.Refused) result;
        assertThat(refused.httpStatus()).isEqualTo(422);
        assertThat(refused.outcome().getIssueFirstRep().getExpression().get(0).getValue())
                .isEqualTo("$.kind");
        assertThat(mapping.getReceivedCounter()).isZero();
    }

    @Test
    void aMappingFailureEndsRejected() {
        String id = accepted();
        mapping.whenAnyExchangeReceived(fail(new SyncFailure.MappingFailed("mapping failed: unknown disc level")));

        sync(id);

        assertThat(states(id)).containsExactly("ACCEPTED", "REJECTED");
        TrackedDocument doc = outbox.find(id).orElseThrow();
        assertThat(doc.history().get(1).reason()).isEqualTo("mapping failed: unknown disc level");
        assertThat(doc.outcome()).contains("OperationOutcome").contains("unknown disc level");
        assertThat(validation.getReceivedCounter()).isZero();
    }

    @Test
    void aValidationFailureEndsRejectedWithTheReport() {
        String id = accepted();
        validation.whenAnyExchangeReceived(fail(new SyncFailure.ValidationFailed(
                "FHIR validation failed: 1 errors",
                "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\"}]}")));

        sync(id);

        assertThat(states(id)).containsExactly("ACCEPTED", "REJECTED");
        assertThat(outbox.find(id).orElseThrow().outcome()).contains("\"code\":\"invalid\"");
        assertThat(ehr.getReceivedCounter()).isZero();
    }

    @Test
    void aRetryableEhrAnswerIsRetriedWithinTheWindowHoweverManyAttempts() {
        String id = accepted();
        ehr.whenAnyExchangeReceived(fail(unavailable(Duration.ofSeconds(7))));

        sync(id);

        TrackedDocument scheduled = outbox.find(id).orElseThrow();
        assertThat(scheduled.state()).isEqualTo(DocumentState.RETRY_SCHEDULED);
        assertThat(scheduled.attempts()).isEqualTo(1);
        assertThat(scheduled.nextAttemptAt()).isNotNull();
        assertThat(last(id)).isEqualTo("EHR answered HTTP 503; retry in 7s");

        for (int i = 0; i < 4; i++) {
            due(id);
            sync(id); // a count of 2 attempts would have made it DEAD here; 7 s is well inside the 1 min window
        }

        TrackedDocument still = outbox.find(id).orElseThrow();
        assertThat(still.state()).isEqualTo(DocumentState.RETRY_SCHEDULED);
        assertThat(still.attempts()).isEqualTo(5);
    }

    @Test
    void aRetryThatWouldFallAfterTheWindowSinceTheFirstFailureEndsDead() {
        String id = accepted();
        ehr.whenAnyExchangeReceived(fail(unavailable(Duration.ofSeconds(7))));
        sync(id);
        OffsetDateTime firstFailure = outbox.find(id).orElseThrow().updatedAt();

        // The EHR now asks for 2 minutes: that falls after first failure + bridge.outbox.retry-for (1m).
        ehr.whenAnyExchangeReceived(fail(unavailable(Duration.ofMinutes(2))));
        due(id);
        sync(id);

        assertThat(states(id)).containsExactly("ACCEPTED", "MAPPED", "SENDING", "RETRY_SCHEDULED", "SENDING", "DEAD");
        String prefix = "EHR answered HTTP 503; gave up after 2 attempts: failing since ";
        String suffix = ", longer than bridge.outbox.retry-for (PT1M)";
        assertThat(last(id)).startsWith(prefix).endsWith(suffix);
        java.time.Instant since =
                java.time.Instant.parse(last(id).substring(prefix.length(), last(id).length() - suffix.length()));
        // the time of the first failure (taken just before its transition was recorded), not of the second
        assertThat(since).isBetween(firstFailure.toInstant().minusSeconds(1), firstFailure.toInstant());
    }

    @Test
    void anOpenCircuitBreakerSchedulesARetryAtItsProbeTimeAndCountsNoAttempt() {
        String id = accepted();
        ehr.whenAnyExchangeReceived(fail(new SyncFailure.CircuitOpen(new EhrWriteResult.Failed(
                true,
                null,
                "EHR failing repeatedly: not called while the circuit breaker is open",
                null,
                Duration.ofSeconds(30)))));

        sync(id);
        due(id);
        sync(id);

        TrackedDocument held = outbox.find(id).orElseThrow();
        assertThat(held.state()).isEqualTo(DocumentState.RETRY_SCHEDULED);
        assertThat(held.attempts()).as("the EHR was not called").isZero();
        assertThat(last(id)).endsWith("; no attempt counted; retry in 30s");
        assertThat(Duration.between(held.updatedAt(), held.nextAttemptAt()))
                .isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
    }

    @Test
    void aDocumentThatFailsBeforeSendingEveryTimeEndsRejectedAndReleasesItsPatient() {
        String poisonId = accepted(takahashi("2026-03-02T10:15:00-05:00"));
        String nextId = accepted(takahashi("2026-03-02T11:15:00-05:00"));
        composition.whenAnyExchangeReceived(exchange -> {
            if (poisonId.equals(exchange.getProperty(DocumentSync.TRACKING_ID))) {
                throw new IllegalStateException("composition failed for Takahashi"); // the message is never recorded
            }
        });

        for (int poll = 1; poll < MAX_FAILURES_BEFORE_SEND; poll++) {
            sync(poisonId);
            assertThat(outbox.find(poisonId).orElseThrow().state()).isEqualTo(DocumentState.MAPPED);
            assertThat(documentSync.dueDocuments())
                    .as("the patient's next document waits")
                    .doesNotContain(nextId);
        }
        sync(poisonId);

        assertThat(states(poisonId)).containsExactly("ACCEPTED", "MAPPED", "MAPPED", "MAPPED", "REJECTED");
        assertThat(outbox.find(poisonId).orElseThrow().history().get(2).reason())
                .isEqualTo("failed before sending (java.lang.IllegalStateException), 1 of 3; a later poll tries again");
        TrackedDocument rejected = outbox.find(poisonId).orElseThrow();
        assertThat(rejected.outcome())
                .contains("OperationOutcome")
                .contains("failed 3 times before it could be sent (last: java.lang.IllegalStateException)")
                .doesNotContain("Takahashi");
        assertThat(ehr.getReceivedCounter()).as("never sent").isZero();

        assertThat(documentSync.dueDocuments()).contains(nextId);
        sync(nextId);
        assertThat(outbox.find(nextId).orElseThrow().state()).isEqualTo(DocumentState.SYNCED);
    }

    @Test
    void anUnexpectedFailureOnceSendingIsRecordedCountsNothing() {
        String id = accepted();
        ehr.whenAnyExchangeReceived(fail(new IllegalStateException("lost in the send")));

        sync(id);

        // SENDING stands: the EHR may have it; the lease runs out and a later poll resumes the send.
        assertThat(states(id)).containsExactly("ACCEPTED", "MAPPED", "SENDING");
    }

    /** A candidacy assessment of the sandbox's fictional June Takahashi (no other test here uses her). */
    private static ObjectNode takahashi(String recordedAt) {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ObjectNode patient = (ObjectNode) doc.get("patient");
        patient.put("mrn", "448814");
        patient.put("family", "Takahashi");
        patient.put("birthDate", "1962-11-21");
        doc.put("recordedAt", recordedAt);
        return doc;
    }

    private static SyncFailure.EhrRetryable unavailable(Duration retryAfter) {
        return new SyncFailure.EhrRetryable(
                new EhrWriteResult.Failed(true, 503, "EHR answered HTTP 503", null, retryAfter));
    }

    @Test
    void aNonRetryableEhrAnswerEndsDead() {
        String id = accepted();
        ehr.whenAnyExchangeReceived(fail(new SyncFailure.EhrRefused(new EhrWriteResult.Failed(
                false, 422, "EHR answered HTTP 422", "{\"resourceType\":\"OperationOutcome\"}", null))));

        sync(id);

        assertThat(states(id)).containsExactly("ACCEPTED", "MAPPED", "SENDING", "DEAD");
        assertThat(last(id)).isEqualTo("EHR answered HTTP 422; not retryable");
        assertThat(outbox.find(id).orElseThrow().outcome()).isEqualTo("{\"resourceType\":\"OperationOutcome\"}");
    }

    @Test
    void noPatientMatchAwaitsAnOperator() {
        String id = accepted();
        ehr.whenAnyExchangeReceived(
                fail(new SyncFailure.NoPatientMatch("2 EHR patients have this MRN; candidates: a, b")));

        sync(id);

        assertThat(states(id)).containsExactly("ACCEPTED", "MAPPED", "SENDING", "AWAITING_PATIENT_MATCH");
        assertThat(last(id)).isEqualTo("2 EHR patients have this MRN; candidates: a, b");
    }

    @Test
    void theStepAddedToTheEditedRouteDirectoryRuns() {
        byte[] body = Fixtures.json(Fixtures.fresh("procedure-single-level")).getBytes(StandardCharsets.UTF_8);

        assertThat(intake.submit(body, "api", null)).isInstanceOf(IntakeResult.Accepted.class);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(archived()).contains(body));
    }

    private List<byte[]> archived() throws IOException {
        if (!Files.isDirectory(ARCHIVE)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(ARCHIVE)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> {
                        try {
                            return Files.readAllBytes(f);
                        } catch (IOException e) {
                            return new byte[0];
                        }
                    })
                    .toList();
        }
    }

    /**
     * Its retry time has come (only a due document is claimed); no waiting, no clock of its own: a nested
     * {@code @TestConfiguration} would be component-scanned into the bridge processes other tests start.
     */
    private void due(String id) {
        jdbc.sql("update clinical_document set next_attempt_at = ? where tracking_id = ?")
                .params(OffsetDateTime.now().minusSeconds(1), id)
                .update();
    }

    /**
     * A document of a patient of its own: a document a test leaves workable (RETRY_SCHEDULED, say)
     * holds back its patient's later ones, and only a due document is claimed.
     */
    private String accepted() {
        var doc = Fixtures.fresh("candidacy-unilateral-left");
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("patient"))
                .put("mrn", String.valueOf(900000 + PATIENTS.incrementAndGet()));
        return accepted(doc);
    }

    /** A document of the sandbox's patient, for a send that reaches the sandbox EHR. */
    private String acceptedForTheSandbox() {
        return accepted(Fixtures.fresh("candidacy-unilateral-left"));
    }

    private static final java.util.concurrent.atomic.AtomicInteger PATIENTS =
            new java.util.concurrent.atomic.AtomicInteger();

    private String accepted(com.fasterxml.jackson.databind.node.ObjectNode doc) {
        IntakeResult result = intake.submit(Fixtures.json(doc).getBytes(StandardCharsets.UTF_8), "api", null);
        assertThat(result).isInstanceOf(IntakeResult.Accepted.class);
        return ((IntakeResult.Accepted) result).trackingId();
    }

    private void sync(String trackingId) {
        producer.sendBody("direct:work-document", trackingId);
    }

    private List<String> states(String trackingId) {
        return outbox.find(trackingId).orElseThrow().history().stream()
                .map(h -> h.to().name())
                .toList();
    }

    private String last(String trackingId) {
        List<TrackedDocument.Transition> history =
                outbox.find(trackingId).orElseThrow().history();
        return history.get(history.size() - 1).reason();
    }

    private static Processor fail(Exception e) {
        return exchange -> {
            throw e;
        };
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("bridge-routes-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
