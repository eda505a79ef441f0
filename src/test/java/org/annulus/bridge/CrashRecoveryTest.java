package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
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

    /** Fictional sandbox patients, with the demographics the sandbox has for them. */
    static final List<Map<String, Object>> PATIENTS = List.of(
            Map.of(
                    "mrn",
                    "448812",
                    "family",
                    "Rivera",
                    "given",
                    List.of("Ana", "Lucia"),
                    "birthDate",
                    "1979-06-14",
                    "sex",
                    "female"),
            Map.of(
                    "mrn",
                    "448813",
                    "family",
                    "Okafor",
                    "given",
                    List.of("Marcus", "Ade"),
                    "birthDate",
                    "1985-02-03",
                    "sex",
                    "male"),
            Map.of(
                    "mrn",
                    "448814",
                    "family",
                    "Takahashi",
                    "given",
                    List.of("June"),
                    "birthDate",
                    "1962-11-21",
                    "sex",
                    "female"));

    @TempDir
    Path work;

    Process bridge;
    /** The running process's demo-operator token: each process signs with a key of its own. */
    volatile String token;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.destroyForcibly();
        }
    }

    @Test
    void aModuleKilledMidSendResumesWithNoLossAndNoDuplicate() throws Exception {
        String schema = "bridge_crash_" + ProcessHandle.current().pid();
        int port = freePort();
        bridge = start(port, schema, "first");
        List<String> trackingIds = new ArrayList<>();
        Map<String, Integer> expectedSciatica = new HashMap<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
            doc.set("patient", patient(PATIENTS.get(i % PATIENTS.size())));
            trackingIds.add(post(port, doc).get("trackingId").asText());
            expectedSciatica.put(Fixtures.identifier(doc, "condition-sciatica"), 1);
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> synced(port, trackingIds.subList(0, 10)) >= 5);

        bridge.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, nothing graceful

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

    private Process start(int port, String schema, String run) throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                BridgeApplication.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema,
                "--spring.datasource.username=" + System.getenv().getOrDefault("BRIDGE_TEST_PG_USER", "postgres"),
                "--spring.datasource.password=",
                "--spring.flyway.schemas=" + schema,
                "--bridge.sandbox.data-dir=" + work.resolve("sandbox"),
                "--bridge.intake.inbox=" + work.resolve("inbox"),
                "--bridge.outbox.poll-interval=50",
                "--bridge.outbox.lease=3s",
                "--bridge.outbox.batch-size=5");
        Process process = new ProcessBuilder(command)
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(run + ".log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(180)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("bridge exited: " + Files.readString(work.resolve(run + ".log")));
            }
            try {
                return get(port, "/actuator/health/readiness").statusCode() == 200;
            } catch (IOException notYetListening) {
                return false;
            }
        });
        token = TestTokens.sandboxToken("http://127.0.0.1:" + port, TestTokens.OPERATOR);
        return process;
    }

    private static ObjectNode patient(Map<String, Object> p) {
        ObjectNode node = JSON.valueToTree(p);
        node.put("mrnSystem", "urn:oid:2.16.840.1.113883.19.5.99999.1");
        return node;
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
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10));
            if (!path.startsWith("/actuator/health/")) {
                request.header("Authorization", "Bearer " + token);
            }
            return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
