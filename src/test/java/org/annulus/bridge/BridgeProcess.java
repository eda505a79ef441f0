package org.annulus.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge as a separate process on the test classpath ({@link BridgeApplication}), on a port of
 * 127.0.0.1: for the tests and benchmarks that kill it and start it again.
 */
public final class BridgeProcess implements AutoCloseable {

    /** The test PostgreSQL's user (127.0.0.1:5432, database {@code test}, trust). */
    public static final String PG_USER = System.getenv().getOrDefault("BRIDGE_TEST_PG_USER", "postgres");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final JvmProcess jvm;
    private final int port;

    private BridgeProcess(JvmProcess jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /**
     * Starts the bridge on the port with the settings ({@code --name=value}); returns at once,
     * {@link #awaitReady} waits for it.
     */
    public static BridgeProcess start(Path log, int port, List<String> jvmOptions, List<String> settings) {
        List<String> arguments = new ArrayList<>();
        arguments.add("--server.port=" + port);
        arguments.addAll(settings);
        return new BridgeProcess(
                JvmProcess.start(
                        "bridge",
                        log,
                        jvmOptions,
                        JvmProcess.testClasspath(),
                        BridgeApplication.class.getName(),
                        arguments),
                port);
    }

    /** The settings for a store in a schema of its own in the test PostgreSQL (Flyway creates it). */
    public static List<String> onPostgres(String schema) {
        return List.of(
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema,
                "--spring.datasource.username=" + PG_USER,
                "--spring.datasource.password=",
                "--spring.flyway.schemas=" + schema);
    }

    /** Waits until {@code /actuator/health/readiness} answers 200; a failure quotes the log's tail. */
    public BridgeProcess awaitReady(Duration limit) {
        jvm.awaitReady(limit, () -> {
            try {
                return HTTP.send(
                                        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                                                .timeout(Duration.ofSeconds(10))
                                                .GET()
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException notYetListening) {
                return false;
            }
        });
        return this;
    }

    /** Submits a document through {@code POST /api/v1/documents} with the token; its tracking id (202 expected). */
    public String submit(ObjectNode document, String token) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/documents"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(Fixtures.json(document)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("POST answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body()).get("trackingId").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The child's process id (for the benchmark's CPU figures from /proc). */
    public long pid() {
        return jvm.process().pid();
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGKILL: no shutdown hooks, nothing graceful. */
    public void kill() {
        jvm.kill();
    }

    /** SIGTERM: a graceful shutdown, waited for. */
    public void terminate() {
        jvm.terminate();
    }

    @Override
    public void close() {
        terminate();
    }
}
