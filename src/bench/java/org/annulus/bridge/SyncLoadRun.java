package org.annulus.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.annulus.jpaserver.JpaFhirServerProcess;

/**
 * Issue 6's reported run, not a test: 1,000 generated documents against a real FHIR server (HAPI FHIR
 * JPA) behind a proxy that answers 503 to ~5% of FHIR requests, the bridge as a separate process on
 * PostgreSQL, SIGKILLed once mid-run and restarted. Prints documents synced, duplicates, lost and
 * throughput. Everything on 127.0.0.1; every wait is bounded.
 *
 * <p>Run from the project directory with the test classpath, e.g.
 * {@code java -cp target/test-classes:target/classes:$(cat target/test.classpath) org.annulus.bridge.SyncLoadRun [documents]}
 * (README "Tests and benchmarks"; the JPA server it starts needs {@code target/jpaserver.classpath}, made by the same build).
 */
public final class SyncLoadRun {

    static final ObjectMapper JSON = new ObjectMapper();
    static final double FAULT_RATE = 0.05;
    static final Duration SYNC_LIMIT = Duration.ofMinutes(25);

    static {
        // before any HttpClient is built (the JDK reads it once): the proxy forwards the bridge's Host header,
        // so the FHIR server's Location and fullUrl point at the proxy
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    }

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path work = Files.createTempDirectory("bridge-load-");
        String schema = "bridge_load_" + ProcessHandle.current().pid();
        System.out.printf("load run: %d documents, work dir %s, schema %s%n", documents, work, schema);

        Instant t0 = Instant.now();
        try (JpaFhirServerProcess ehr = JpaFhirServerProcess.launch(work.resolve("ehr"), JvmProcess.freePort(),
                "-Xmx1g")) {
            ehr.awaitReady(Duration.ofMinutes(8));
            System.out.printf("HAPI FHIR JPA server up at %s after %d s%n", ehr.baseUrl(), secondsSince(t0));
            TestPatients.LOAD_RUN.forEach(ehr::seedPatient);
            FaultProxy proxy = FaultProxy.start(ehr.baseUrl(), FAULT_RATE, 42);
            int bridgePort = JvmProcess.freePort();
            Path key = privateKey(work);
            Bridge bridge = Bridge.start(work, bridgePort, schema, proxy, key, "first");
            try {
                run(documents, work, schema, ehr, proxy, bridge, key, bridgePort);
            } finally {
                bridge.stop();
                proxy.stop();
                dropSchema(schema);
            }
        }
    }

    private static void run(int documents, Path work, String schema, JpaFhirServerProcess ehr, FaultProxy proxy,
            Bridge bridge, Path key, int bridgePort) throws Exception {
        List<ObjectNode> docs = generate(documents);
        Instant firstPost = Instant.now();
        for (ObjectNode doc : docs) {
            bridge.post(doc);
        }
        System.out.printf("posted %d documents in %d s%n", docs.size(), secondsSince(firstPost));

        // SIGKILL while documents are being sent: once a quarter are synced and some are SENDING
        Instant killBy = Instant.now().plus(Duration.ofMinutes(5));
        Map<String, Integer> atKill = states(schema);
        while (Instant.now().isBefore(killBy)) {
            atKill = states(schema);
            if (atKill.getOrDefault("SYNCED", 0) >= documents / 4 && atKill.getOrDefault("SENDING", 0) > 0) {
                break;
            }
            Thread.sleep(50);
        }
        bridge.kill();
        Instant killedAt = Instant.now();
        System.out.printf("SIGKILL at +%d s, states then: %s%n", Duration.between(firstPost, killedAt).toSeconds(), atKill);
        bridge = Bridge.start(work, bridgePort, schema, proxy, key, "second");
        System.out.printf("restarted in %d s%n", secondsSince(killedAt));

        Instant deadline = Instant.now().plus(SYNC_LIMIT);
        Map<String, Integer> states = states(schema);
        while (Instant.now().isBefore(deadline) && pending(states) > 0) {
            Thread.sleep(500);
            states = states(schema);
        }
        Instant lastSynced = lastSynced(schema);
        System.out.printf("states at the end: %s%n", states);
        bridge.stop();

        Report report = count(ehr, schema, documents);
        double seconds = Duration.between(firstPost, lastSynced).toMillis() / 1000.0;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "documents generated and accepted: %d%n", documents));
        out.append(String.format(Locale.ROOT, "documents synced: %d%n", states.getOrDefault("SYNCED", 0)));
        out.append(String.format(Locale.ROOT, "documents in other states: %s%n", others(states)));
        out.append(String.format(Locale.ROOT, "duplicates (business identifiers on more than one resource): %d%n",
                report.duplicateIdentifiers));
        out.append(String.format(Locale.ROOT, "lost (documents not synced, or with a recorded resource missing from"
                + " the FHIR server, or with no resource there at all): %d%n", report.lostDocuments));
        out.append(String.format(Locale.ROOT, "throughput: %.1f documents/s (%d documents, first POST to last SYNCED"
                + " %.1f s, including the kill and restart)%n", documents / seconds, documents, seconds));
        out.append(String.format(Locale.ROOT, "FHIR requests through the proxy: %d; injected 503: %d (%d before"
                + " forwarding, %d after the server had processed the request)%n", proxy.requests.get(),
                proxy.faultsBefore.get() + proxy.faultsAfter.get(), proxy.faultsBefore.get(), proxy.faultsAfter.get()));
        out.append(String.format(Locale.ROOT, "SIGKILL: once, at +%d s, with %s%n",
                Duration.between(firstPost, killedAt).toSeconds(), atKill));
        out.append(String.format(Locale.ROOT, "resources in the FHIR server by type: %s%n", report.countsByType));
        out.append(String.format(Locale.ROOT, "resources the bridge recorded as written: %d, all found: %s%n",
                report.recorded, report.missingRecorded == 0));
        System.out.println("---- load run figures ----");
        System.out.print(out);
        Files.writeString(work.resolve("figures.txt"), out.toString());
        System.out.println("figures written to " + work.resolve("figures.txt"));
    }

    /** Episodes of five documents (candidacy, procedure note, three milestones), round robin over the patients. */
    static List<ObjectNode> generate(int documents) {
        List<ObjectNode> docs = new ArrayList<>();
        String[][] milestones = {{"light-walking", "3"}, {"normal-activity", "28"}, {"follow-up-3-months", "91"}};
        for (int episode = 0; docs.size() < documents; episode++) {
            ObjectNode patient = TestPatients.LOAD_RUN.get(episode % TestPatients.LOAD_RUN.size()).asDocumentPatient();
            String ca = String.format("CA-LOAD-%05d", episode);
            String pn = String.format("PN-LOAD-%05d", episode);
            ObjectNode candidacy = Fixtures.document("candidacy-unilateral-left");
            candidacy.put("documentId", ca).set("patient", patient);
            docs.add(candidacy);
            ObjectNode note = Fixtures.document("procedure-single-level");
            note.put("documentId", pn).put("candidacyDocumentId", ca).set("patient", patient);
            docs.add(note);
            for (int m = 0; m < milestones.length; m++) {
                ObjectNode milestone = Fixtures.document("milestone-normal-activity");
                int days = Integer.parseInt(milestones[m][1]);
                milestone.put("documentId", String.format("RM-LOAD-%05d-%d", episode, m + 1))
                        .put("procedureDocumentId", pn).put("milestone", milestones[m][0])
                        .put("daysSinceProcedure", days).put("legPainNrs", 2).put("odi", 20)
                        .put("recordedAt", OffsetDateTime.parse("2026-03-20T10:00:00-05:00").plusDays(days).toString()
                                .replace("T10:00-05:00", "T10:00:00-05:00"));
                milestone.set("patient", patient);
                docs.add(milestone);
            }
        }
        return docs.subList(0, documents);
    }

    // --- counting

    record Report(Map<String, Integer> countsByType, int duplicateIdentifiers, int lostDocuments, int recorded,
            int missingRecorded) {
    }

    static Report count(JpaFhirServerProcess ehr, String schema, int documents) throws Exception {
        Set<String> types = new java.util.TreeSet<>(List.of("Condition", "Observation", "Procedure",
                "DocumentReference", "CarePlan", "Goal", "ServiceRequest", "Provenance", "Practitioner", "Organization"));
        Map<String, String> documentOf = new HashMap<>(); // tracking id -> "kind/documentId/"
        Map<String, List<String>> recordedBy = new HashMap<>(); // tracking id -> "Type/serverId" it recorded
        Set<String> notSynced = new HashSet<>();
        try (Connection db = db(); Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("select tracking_id, kind, document_id, state from " + schema
                    + ".clinical_document")) {
                while (rs.next()) {
                    documentOf.put(rs.getString(1), rs.getString(2) + "/" + rs.getString(3) + "/");
                    if (!"SYNCED".equals(rs.getString(4))) {
                        notSynced.add(rs.getString(1));
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("select tracking_id, resource_type, server_id from " + schema
                    + ".written_resource")) {
                while (rs.next()) {
                    recordedBy.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(rs.getString(2) + "/" + rs.getString(3));
                    types.add(rs.getString(2));
                }
            }
        }
        types.remove("Patient");
        Map<String, Integer> counts = new TreeMap<>();
        Set<String> present = new HashSet<>(); // "Type/id" in the FHIR server
        Map<String, Set<String>> byIdentifier = new HashMap<>(); // bridge business identifier -> "Type/id"
        for (String type : types) {
            List<org.hl7.fhir.r4.model.Resource> all = ehr.all(type);
            counts.put(type, all.size());
            for (org.hl7.fhir.r4.model.Resource resource : all) {
                String ref = type + "/" + resource.getIdPart();
                present.add(ref);
                if (resource.getNamedProperty("identifier") != null) {
                    for (org.hl7.fhir.r4.model.Base value : resource.getNamedProperty("identifier").getValues()) {
                        org.hl7.fhir.r4.model.Identifier identifier = (org.hl7.fhir.r4.model.Identifier) value;
                        if (JpaFhirServerProcess.BRIDGE_SID.equals(identifier.getSystem())) {
                            byIdentifier.computeIfAbsent(identifier.getValue(), k -> new HashSet<>()).add(ref);
                        }
                    }
                }
            }
        }
        counts.put("Patient", ehr.count("Patient"));
        int duplicates = 0;
        for (Map.Entry<String, Set<String>> e : byIdentifier.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicates++;
                System.out.printf("DUPLICATE %s: %s%n", e.getKey(), e.getValue());
            }
        }
        int lost = 0;
        int recorded = 0;
        int missingRecorded = 0;
        for (Map.Entry<String, String> doc : documentOf.entrySet()) {
            List<String> refs = recordedBy.getOrDefault(doc.getKey(), List.of());
            recorded += refs.size();
            long missing = refs.stream().filter(r -> !present.contains(r)).count();
            missingRecorded += (int) missing;
            boolean anyInEhr = byIdentifier.keySet().stream().anyMatch(v -> v.startsWith(doc.getValue()));
            if (notSynced.contains(doc.getKey()) || missing > 0 || !anyInEhr) {
                lost++;
                System.out.printf("LOST %s (%s): synced=%s missing=%d anyInEhr=%s%n", doc.getKey(), doc.getValue(),
                        !notSynced.contains(doc.getKey()), missing, anyInEhr);
            }
        }
        lost += Math.max(0, documents - documentOf.size());
        return new Report(counts, duplicates, lost, recorded, missingRecorded);
    }

    // --- outbox state, straight from PostgreSQL

    static Connection db() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", BridgeProcess.PG_USER, "");
    }

    static Map<String, Integer> states(String schema) {
        Map<String, Integer> states = new TreeMap<>();
        try (Connection db = db(); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("select state, count(*) from " + schema + ".clinical_document group by state")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getInt(2));
            }
        } catch (Exception e) {
            states.put("(unreadable: " + e.getClass().getSimpleName() + ")", 0);
        }
        return states;
    }

    static int pending(Map<String, Integer> states) {
        return states.getOrDefault("ACCEPTED", 0) + states.getOrDefault("MAPPED", 0) + states.getOrDefault("SENDING", 0)
                + states.getOrDefault("RETRY_SCHEDULED", 0) + (states.isEmpty() ? 1 : 0);
    }

    static Map<String, Integer> others(Map<String, Integer> states) {
        Map<String, Integer> others = new TreeMap<>(states);
        others.remove("SYNCED");
        return others;
    }

    static Instant lastSynced(String schema) throws Exception {
        try (Connection db = db(); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("select max(at) from " + schema + ".document_transition where to_state = 'SYNCED'")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    static void dropSchema(String schema) {
        try (Connection db = db(); Statement st = db.createStatement()) {
            st.execute("drop schema if exists " + schema + " cascade");
        } catch (Exception e) {
            System.out.println("could not drop schema " + schema + ": " + e);
        }
    }

    static long secondsSince(Instant start) {
        return Duration.between(start, Instant.now()).toSeconds();
    }

    static Path privateKey(Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate()
                .getEncoded());
        return Files.writeString(dir.resolve("bridge-key.pem"),
                "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    }

    // --- the bridge as a separate process

    static final class Bridge {
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        /** The load run's token for the bridge's API, from the issuer the proxy serves. */
        static final String OPERATOR = FaultProxy.ISSUER.mint("load-run", org.annulus.bridge.security.Role.OPERATE);
        final BridgeProcess process;
        final int port;

        private Bridge(BridgeProcess process) {
            this.process = process;
            this.port = process.port();
        }

        static Bridge start(Path work, int port, String schema, FaultProxy proxy, Path key, String run) {
            List<String> settings = new ArrayList<>(BridgeProcess.onPostgres(schema));
            settings.addAll(List.of(
                    "--bridge.sandbox.enabled=false",
                    "--bridge.intake.inbox=" + work.resolve("inbox"),
                    "--bridge.ehr.base-url=" + proxy.fhirBase(),
                    "--bridge.ehr.client-id=annulus-bridge-load-run",
                    "--bridge.ehr.private-key=" + key,
                    "--bridge.ehr.token-url=" + proxy.tokenUrl(),
                    "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + proxy.jwksUri(),
                    "--bridge.outbox.poll-interval=100",
                    "--bridge.outbox.lease=5s",
                    "--bridge.outbox.backoff-max=30s"));
            return new Bridge(BridgeProcess.start(work.resolve("bridge-" + run + ".log"), port, List.of("-Xmx768m"),
                    settings).awaitReady(Duration.ofMinutes(4)));
        }

        void post(ObjectNode doc) throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/documents")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + OPERATOR)
                    .POST(HttpRequest.BodyPublishers.ofString(Fixtures.json(doc))).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("POST answered " + response.statusCode() + ": " + response.body());
            }
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + OPERATOR)
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        /** SIGKILL: no shutdown hooks, nothing graceful. */
        void kill() {
            process.kill();
        }

        void stop() {
            process.terminate();
        }
    }

    // --- a fault-injecting HTTP proxy in front of the FHIR server, and the token endpoint

    static final class FaultProxy {
        static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "transfer-encoding", "keep-alive",
                "upgrade", "expect", "te", "trailer", "proxy-connection");
        final HttpServer server;
        final String target;
        final double rate;
        final Random random;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong faultsBefore = new AtomicLong();
        final AtomicLong faultsAfter = new AtomicLong();

        /** The issuer of the bridge's API tokens; its JWKS is served at /issuer/jwks. */
        static final TestTokens ISSUER = TestTokens.at("urn:annulus-bridge:load-run-issuer");

        private FaultProxy(HttpServer server, String target, double rate, long seed) {
            this.server = server;
            this.target = target.replaceAll("/fhir$", "");
            this.rate = rate;
            this.random = new Random(seed);
        }

        static FaultProxy start(String fhirBase, double rate, long seed) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            FaultProxy proxy = new FaultProxy(server, fhirBase, rate, seed);
            server.createContext("/token", proxy::token);
            server.createContext("/issuer/jwks", proxy::jwks);
            server.createContext("/fhir", proxy::forward);
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.start();
            return proxy;
        }

        String fhirBase() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
        }

        String jwksUri() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer/jwks";
        }

        String tokenUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
        }

        void jwks(HttpExchange exchange) throws IOException {
            byte[] body = ISSUER.jwks().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        void token(HttpExchange exchange) throws IOException {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"access_token\":\"load-run-token\",\"token_type\":\"bearer\",\"expires_in\":300}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        /**
         * Half the faults never reach the server; the other half are answered 503 after the server has
         * done the work (a lost response: the retry must not duplicate anything).
         */
        void forward(HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            double roll;
            synchronized (random) {
                roll = random.nextDouble();
            }
            try {
                if (roll < rate / 2) {
                    faultsBefore.incrementAndGet();
                    unavailable(exchange);
                    return;
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                        .timeout(Duration.ofSeconds(60))
                        .method(exchange.getRequestMethod(), requestBody.length == 0
                                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(requestBody));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (roll < rate) {
                    faultsAfter.incrementAndGet();
                    unavailable(exchange);
                    return;
                }
                response.headers().map().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                        values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                    }
                });
                byte[] body = response.body();
                exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        }

        static void unavailable(HttpExchange exchange) throws IOException {
            byte[] body = ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"transient\","
                    + "\"diagnostics\":\"injected 503\"}]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
            exchange.getResponseHeaders().add("Retry-After", "1");
            exchange.sendResponseHeaders(503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        void stop() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private SyncLoadRun() {
    }
}
