package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety for real: the module runs as a separate process against PostgreSQL, is killed with
 * SIGKILL while it is sending, and restarted. Every document must end SYNCED, and the EHR must hold
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
        List<String> trackingIds = new ArrayList<>();
        Map<String, Integer> expectedSciatica = new HashMap<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
            doc.set(
                    "patient",
                    TestPatients.SANDBOX.get(i % TestPatients.SANDBOX.size()).asDocumentPatient());
            trackingIds.add(post(port, doc).get("trackingId").asText());
            expectedSciatica.put(Fixtures.identifier(doc, "condition-sciatica"), 1);
        }
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

    private BridgeProcess start(int port, String schema, String run) {
        List<String> settings = new ArrayList<>(BridgeProcess.onPostgres(schema));
        settings.addAll(List.of(
                "--bridge.sandbox.data-dir=" + work.resolve("sandbox"),
                "--bridge.intake.inbox=" + work.resolve("inbox"),
                "--bridge.outbox.poll-interval=50",
                "--bridge.outbox.lease=3s",
                "--bridge.outbox.batch-size=5"));
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
