package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.annulus.bridge.security.Role;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Crash safety for real: the module runs as a separate process against PostgreSQL, is killed with
 * SIGKILL (or terminated with SIGTERM) while it is sending, and restarted. Every document must end SYNCED, and the EHR must hold
 * exactly one resource per business identifier: nothing lost, nothing duplicated.
 */
class CrashRecoveryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final int DOCUMENTS = 150;

    @TempDir
    Path work;

    BridgeProcess bridge;
    /** The running process's demo-operator token: each process signs with a key of its own. */
    volatile String token;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.kill();
        }
    }

    @Test
    void aModuleKilledMidSendResumesWithNoLossAndNoDuplicate() throws Exception {
        String schema = "bridge_crash_" + ProcessHandle.current().pid();
        int port = JvmProcess.freePort();
        bridge = start(port, schema, "first");
        Map<String, Integer> expectedSciatica = new HashMap<>();
        List<String> trackingIds = submit(port, DOCUMENTS, expectedSciatica);
        await().atMost(Duration.ofSeconds(120)).until(() -> synced(port, trackingIds.subList(0, 10)) >= 5);

        bridge.kill(); // SIGKILL: no shutdown hooks, nothing graceful

        bridge = start(port, schema, "second");
        int resumedWith = DOCUMENTS - synced(port, trackingIds);
        await().atMost(Duration.ofSeconds(300)).until(() -> synced(port, trackingIds) == DOCUMENTS);

        Map<String, Integer> conditionsByIdentifier = conditionsByIdentifier();
        assertThat(resumedWith)
                .as("documents still unsynced when the first process was killed")
                .isPositive();
        assertThat(conditionsByIdentifier).containsAllEntriesOf(expectedSciatica);
        assertThat(conditionsByIdentifier.values()).allMatch(count -> count == 1);
    }

    /**
     * SIGTERM while a send to a slow EHR (every write answers after 2 s) is under way, one worker
     * and a batch of three: the send finishes SYNCED, nothing more is claimed or tried, no lease is
     * left, the process exits within bridge.outbox.shutdown-timeout; a restarted process sends the rest.
     */
    @Test
    void aModuleTerminatedMidSendFinishesTheSendAndLeavesTheRestToTheNextProcess() throws Exception {
        String schema = "bridge_sigterm_" + ProcessHandle.current().pid();
        int port = JvmProcess.freePort();
        List<String> slow = List.of(
                "--bridge.test.sandbox-write-delay=2s",
                "--bridge.outbox.workers=1",
                "--bridge.outbox.batch-size=3",
                "--bridge.outbox.lease=3s",
                "--bridge.outbox.shutdown-timeout=15s");
        bridge = start(port, schema, "first", slow);
        Map<String, Integer> expectedSciatica = new HashMap<>();
        List<String> trackingIds = submit(port, 9, expectedSciatica);
        JdbcClient db = JdbcClient.create(new DriverManagerDataSource(
                "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema, BridgeProcess.PG_USER, ""));
        await().atMost(Duration.ofSeconds(120))
                .until(() -> !inState(db, "SENDING").isEmpty());
        List<String> sending = inState(db, "SENDING");

        long started = System.nanoTime();
        bridge.terminate(); // SIGTERM
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        bridge = null;

        assertThat(took).as("exit after SIGTERM").isLessThan(Duration.ofSeconds(15));
        assertThat(sending).allMatch(id -> "SYNCED".equals(column(db, "state", id)));
        List<String> rest = trackingIds.stream()
                .filter(id -> !"SYNCED".equals(column(db, "state", id)))
                .toList();
        assertThat(rest).as("documents left for the next process").isNotEmpty();
        assertThat(rest).allSatisfy(id -> {
            assertThat(column(db, "lease_owner", id)).as("lease of %s", id).isNull();
            assertThat(column(db, "attempts", id)).as("attempts of %s", id).isEqualTo("0");
        });

        bridge = start(port, schema, "second", List.of());
        await().atMost(Duration.ofSeconds(120)).until(() -> synced(port, trackingIds) == trackingIds.size());
        Map<String, Integer> conditionsByIdentifier = conditionsByIdentifier();
        assertThat(conditionsByIdentifier).containsAllEntriesOf(expectedSciatica);
        assertThat(conditionsByIdentifier.values()).allMatch(count -> count == 1);
    }

    /**
     * Issue 12's "no duplicate after a crash mid-send" against a restricted EHR: the epic-like JPA server
     * (no transaction, If-None-Exist ignored, no identifier search, creates only) with profile epic. SIGKILL
     * while a document is SENDING; after the restart every document ends SYNCED or NEEDS_REVIEW (never DEAD
     * or REJECTED) and each business identifier names one resource of its type in the EHR: the resend
     * looked up what the killed process may have written (by patient) instead of creating it again.
     */
    @Test
    void aModuleKilledMidSendToARestrictedEhrResumesWithNoDuplicate() throws Exception {
        try (JpaFhirServerProcess ehr = RestrictedEhrFixtures.launch(JpaFhirServerProcess.Mode.EPIC_LIKE)) {
            WireMockServer tokens = RestrictedEhrSyncContract.tokenEndpoint();
            try {
                TestTokens issuer = TestTokens.servedBy(tokens);
                String schema = "bridge_crash_epic_" + ProcessHandle.current().pid();
                int port = JvmProcess.freePort();
                List<String> epic = List.of(
                        "--bridge.sandbox.enabled=false",
                        "--bridge.ehr.base-url=" + ehr.baseUrl(),
                        "--bridge.ehr.profile=epic",
                        "--bridge.visits.identifier-system=" + RestrictedEhrSyncContract.VISITS,
                        "--bridge.ehr.client-id=annulus-bridge-epic-crash-test",
                        "--bridge.ehr.private-key=" + TestKeys.bridgeKey(work),
                        "--bridge.ehr.token-url=" + tokens.baseUrl() + "/token",
                        "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer.issuer());
                List<TestPatients.TestPatient> patients = new ArrayList<>(TestPatients.SANDBOX);
                patients.addAll(List.of(TestPatients.MAJA_LINDQVIST, TestPatients.CHIDI_OKAFOR));
                RestrictedEhrFixtures.ready(ehr);
                Map<TestPatients.TestPatient, String> visits = new HashMap<>();
                for (TestPatients.TestPatient patient : patients) {
                    String visit = "V-CRASH-" + patient.mrn();
                    RestrictedEhrFixtures.openVisit(ehr, ehr.seedPatient(patient), visit);
                    visits.put(patient, visit);
                }
                bridge = startAgainstEhr(port, schema, "first", epic);
                token = issuer.mint("crash-test-operator", Role.OPERATE);
                Map<String, Integer> expectedSciatica = new HashMap<>();
                List<String> trackingIds = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    TestPatients.TestPatient patient = patients.get(i % patients.size());
                    ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
                    doc.set("patient", patient.asDocumentPatient());
                    doc.put("schemaVersion", "1.1").put("visit", visits.get(patient));
                    trackingIds.add(post(port, doc).get("trackingId").asText());
                    expectedSciatica.put(Fixtures.identifier(doc, "condition-sciatica"), 1);
                }
                JdbcClient db = JdbcClient.create(new DriverManagerDataSource(
                        "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema, BridgeProcess.PG_USER, ""));
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> !inState(db, "SENDING").isEmpty()
                                && settled(port, trackingIds).size() >= 3);

                bridge.kill(); // SIGKILL while a document is being sent

                int resumedWith = db.sql("select count(*) from clinical_document where state not in"
                                + " ('SYNCED', 'NEEDS_REVIEW', 'CONFLICT', 'DEAD', 'REJECTED')")
                        .query(Integer.class)
                        .single();
                bridge = startAgainstEhr(port, schema, "second", epic);
                await().atMost(Duration.ofSeconds(180))
                        .until(() -> settled(port, trackingIds).size() == trackingIds.size());

                // For the test report: how much the restart had to resume, and where the documents ended.
                System.out.println("killed with " + resumedWith + " of " + trackingIds.size() + " unsettled; ended "
                        + settled(port, trackingIds).values().stream()
                                .collect(java.util.stream.Collectors.groupingBy(
                                        state -> state, java.util.stream.Collectors.counting())));
                assertThat(resumedWith)
                        .as("documents unsettled when the first process was killed")
                        .isPositive();
                assertThat(settled(port, trackingIds).values())
                        .as("end states")
                        .allMatch(state -> state.equals("SYNCED") || state.equals("NEEDS_REVIEW"));
                Map<String, Set<String>> conditions = ehr.resourcesByBridgeIdentifier("Condition");
                assertThat(conditions).containsKeys(expectedSciatica.keySet().toArray(String[]::new));
                for (String type : List.of("Condition", "Observation", "DocumentReference")) {
                    ehr.resourcesByBridgeIdentifier(type)
                            .forEach((identifier, ids) ->
                                    assertThat(ids).as(type + " " + identifier).hasSize(1));
                }
            } finally {
                tokens.stop();
            }
        }
    }

    /** The documents that reached an end state (SYNCED, NEEDS_REVIEW, CONFLICT, DEAD, REJECTED), with it. */
    private Map<String, String> settled(int port, List<String> trackingIds) throws IOException {
        Set<String> ends = Set.of("SYNCED", "NEEDS_REVIEW", "CONFLICT", "DEAD", "REJECTED");
        Map<String, String> settled = new HashMap<>();
        for (String id : trackingIds) {
            HttpResponse<String> response = get(port, "/api/v1/documents/" + id);
            if (response.statusCode() == 200) {
                String state = JSON.readTree(response.body()).path("state").asText();
                if (ends.contains(state)) {
                    settled.put(id, state);
                }
            }
        }
        return settled;
    }

    private BridgeProcess startAgainstEhr(int port, String schema, String run, List<String> ehr) {
        List<String> settings = new ArrayList<>(BridgeProcess.onPostgres(schema));
        settings.addAll(List.of(
                "--bridge.intake.inbox=" + work.resolve("inbox"),
                "--bridge.outbox.poll-interval=50",
                "--bridge.outbox.lease=3s",
                "--bridge.outbox.batch-size=5"));
        settings.addAll(ehr);
        return BridgeProcess.start(work.resolve(run + ".log"), port, List.of("-Xmx512m"), settings)
                .awaitReady(Duration.ofSeconds(180));
    }

    /**
     * Submits {@code count} candidacy assessments over the sandbox's patients; returns their tracking
     * ids and puts each one's sciatica Condition identifier into {@code expectedSciatica}.
     */
    private List<String> submit(int port, int count, Map<String, Integer> expectedSciatica)
            throws IOException, InterruptedException {
        List<String> trackingIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
            doc.set(
                    "patient",
                    TestPatients.SANDBOX.get(i % TestPatients.SANDBOX.size()).asDocumentPatient());
            trackingIds.add(post(port, doc).get("trackingId").asText());
            expectedSciatica.put(Fixtures.identifier(doc, "condition-sciatica"), 1);
        }
        return trackingIds;
    }

    private static List<String> inState(JdbcClient db, String state) {
        return db.sql("select tracking_id from clinical_document where state = ?")
                .param(state)
                .query(String.class)
                .list();
    }

    private static String column(JdbcClient db, String column, String trackingId) {
        return db.sql("select cast(" + column + " as varchar) from clinical_document where tracking_id = ?")
                .param(trackingId)
                .query(String.class)
                .optional()
                .orElse(null);
    }

    private BridgeProcess start(int port, String schema, String run) {
        return start(port, schema, run, List.of());
    }

    private BridgeProcess start(int port, String schema, String run, List<String> extra) {
        List<String> settings = new ArrayList<>(BridgeProcess.onPostgres(schema));
        settings.addAll(List.of(
                "--bridge.sandbox.data-dir=" + work.resolve("sandbox"),
                "--bridge.intake.inbox=" + work.resolve("inbox"),
                "--bridge.outbox.poll-interval=50",
                "--bridge.outbox.lease=3s",
                "--bridge.outbox.batch-size=5"));
        // A setting given twice reaches Spring as "a,b": extra replaces the default of the same key.
        settings.removeIf(s -> extra.stream().anyMatch(e -> e.startsWith(s.substring(0, s.indexOf('=') + 1))));
        settings.addAll(extra);
        BridgeProcess process = BridgeProcess.start(work.resolve(run + ".log"), port, List.of("-Xmx512m"), settings)
                .awaitReady(Duration.ofSeconds(180));
        token = TestTokens.sandboxToken(process.baseUrl(), TestTokens.OPERATOR);
        return process;
    }

    private int synced(int port, List<String> trackingIds) {
        int synced = 0;
        for (String id : trackingIds) {
            try {
                HttpResponse<String> response = get(port, "/api/v1/documents/" + id);
                if (response.statusCode() == 200
                        && "SYNCED"
                                .equals(JSON.readTree(response.body())
                                        .path("state")
                                        .asText())) {
                    synced++;
                }
            } catch (IOException e) {
                return -1;
            }
        }
        return synced;
    }

    private JsonNode post(int port, ObjectNode doc) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/documents"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(Fixtures.json(doc)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    /**
     * Read from the sandbox EHR's journal (one line per stored resource version): for each business
     * identifier, how many distinct Condition resources carry it.
     */
    private Map<String, Integer> conditionsByIdentifier() throws IOException {
        Map<String, java.util.Set<String>> ids = new HashMap<>();
        for (String line : Files.readAllLines(work.resolve("sandbox").resolve("journal.ndjson"))) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode resource = JSON.readTree(line);
            resource = resource.has("resourceType") ? resource : resource.path("resource");
            if (!"Condition".equals(resource.path("resourceType").asText())) {
                continue;
            }
            String id = resource.path("id").asText();
            for (JsonNode identifier : resource.path("identifier")) {
                ids.computeIfAbsent(identifier.path("value").asText(), k -> new java.util.HashSet<>())
                        .add(id);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        ids.forEach((identifier, resources) -> counts.put(identifier, resources.size()));
        return counts;
    }

    private HttpResponse<String> get(int port, String path) throws IOException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token)
                    .GET()
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
