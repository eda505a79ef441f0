package org.annulus.bridge.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.annulus.bridge.BridgeProcess;
import org.annulus.bridge.JvmProcess;
import org.annulus.bridge.TestKeys;
import org.annulus.bridge.TestTokens;
import org.annulus.bridge.security.Role;

/**
 * The bridge instances of one configuration: separate processes on one PostgreSQL schema (Flyway creates
 * it; dropped on close), each with {@code bridge.outbox.workers} set, all else at its defaults, talking
 * straight to the JPA server. Also serves the two things a hospital would: the SMART token endpoint the
 * bridge gets its EHR token from, and the JWKS of the issuer of the bridge's API tokens.
 */
final class BridgeFleet implements AutoCloseable {

    static final TestTokens ISSUER = TestTokens.at("urn:annulus-bridge:bench-issuer");

    private final HttpServer hospital;
    private final List<BridgeProcess> instances;
    private final String schema;

    private BridgeFleet(HttpServer hospital, List<BridgeProcess> instances, String schema) {
        this.hospital = hospital;
        this.instances = instances;
        this.schema = schema;
    }

    static BridgeFleet start(Path work, String schema, String ehrBase, int count, int workersEach) throws IOException {
        HttpServer hospital = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        hospital.createContext("/token", exchange -> answer(exchange,
                "{\"access_token\":\"bench-token\",\"token_type\":\"bearer\",\"expires_in\":3600}"));
        hospital.createContext("/issuer/jwks", exchange -> answer(exchange, ISSUER.jwks()));
        hospital.start();
        String at = "http://127.0.0.1:" + hospital.getAddress().getPort();
        Path key = TestKeys.bridgeKey(work);
        List<CompletableFuture<BridgeProcess>> starting = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            List<String> settings = new ArrayList<>(BridgeProcess.onPostgres(schema));
            settings.addAll(List.of(
                    "--bridge.sandbox.enabled=false",
                    "--bridge.intake.inbox=" + work.resolve("inbox-" + i),
                    "--bridge.ehr.base-url=" + ehrBase,
                    "--bridge.ehr.client-id=annulus-bridge-bench",
                    "--bridge.ehr.private-key=" + key,
                    "--bridge.ehr.token-url=" + at + "/token",
                    "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + at + "/issuer/jwks",
                    "--bridge.outbox.workers=" + workersEach));
            Path log = work.resolve("bridge-" + i + ".log");
            // the first one alone runs Flyway on the empty schema; the others start once it is ready
            BridgeProcess process = BridgeProcess.start(log, JvmProcess.freePort(), jvmOptions(work, i), settings);
            if (i == 1) {
                process.awaitReady(Duration.ofMinutes(4));
                starting.add(CompletableFuture.completedFuture(process));
            } else {
                starting.add(CompletableFuture.supplyAsync(() -> process.awaitReady(Duration.ofMinutes(4))));
            }
        }
        List<BridgeProcess> instances = starting.stream().map(CompletableFuture::join).toList();
        return new BridgeFleet(hospital, instances, schema);
    }

    /** -Xmx768m and whatever -Dbench.bridge-jvm adds (e.g. a flight recording: {@code {work}} and {@code {i}} expand). */
    private static List<String> jvmOptions(Path work, int instance) {
        List<String> options = new ArrayList<>(List.of("-Xmx768m"));
        for (String extra : System.getProperty("bench.bridge-jvm", "").strip().split("\\s+")) {
            if (!extra.isEmpty()) {
                options.add(extra.replace("{work}", work.toString()).replace("{i}", String.valueOf(instance)));
            }
        }
        return options;
    }

    List<BridgeProcess> instances() {
        return instances;
    }

    String schema() {
        return schema;
    }

    private static String token;
    private static java.time.Instant tokenMinted = java.time.Instant.EPOCH;

    /** A token with the roles the benchmark needs (ingest documents, read metrics); valid an hour, renewed at 30 min. */
    static synchronized String token() {
        if (java.time.Instant.now().isAfter(tokenMinted.plus(Duration.ofMinutes(30)))) {
            token = ISSUER.mint("bench", Role.INGEST, Role.OPERATE);
            tokenMinted = java.time.Instant.now();
        }
        return token;
    }

    @Override
    public void close() {
        instances.forEach(BridgeProcess::terminate);
        hospital.stop(0);
        try {
            EhrServer.sql("test", "drop schema if exists " + schema + " cascade");
        } catch (RuntimeException e) {
            System.out.println("could not drop schema " + schema + ": " + e.getMessage());
        }
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
