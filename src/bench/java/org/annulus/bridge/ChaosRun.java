package org.annulus.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.annulus.bridge.security.Role;
import org.annulus.jpaserver.JpaFhirServerProcess;

/**
 * Issue 13's chaos run, not a test: N generated documents (default 120) sent to a real FHIR server (HAPI
 * FHIR JPA) behind {@link FaultyEhrProxy}, through an EHR outage of a chosen length (default 6 minutes:
 * 503s and connection resets), then flaky answers (default 20 %: 503s, resets, answers lost after the
 * server applied the write) until the outbox is drained. The bridge is a separate process on PostgreSQL
 * with its default retry window (24 h). Prints documents SYNCED, DEAD, duplicates, lost and the time to
 * drain. Everything on 127.0.0.1; every wait is bounded.
 *
 * <p>Run from the project directory with the test classpath (README "Tests and benchmarks"):
 * {@code java -cp "$CP" org.annulus.bridge.ChaosRun [documents] [outage, e.g. 6m or 45s] [flaky share]}.
 */
public final class ChaosRun {

    static final Duration DRAIN_LIMIT = Duration.ofMinutes(30);

    public static void main(String[] args) throws Exception {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        Duration outage = args.length > 1 ? duration(args[1]) : Duration.ofMinutes(6);
        double flaky = args.length > 2 ? Double.parseDouble(args[2]) : 0.2;
        Path work = Files.createTempDirectory("bridge-chaos-");
        String schema = "bridge_chaos_run_" + ProcessHandle.current().pid();
        System.out.printf(
                "chaos run: %d documents, outage %s, then %.0f%% flaky answers; work dir %s, schema %s%n",
                documents, outage, flaky * 100, work, schema);

        Instant t0 = Instant.now();
        try (JpaFhirServerProcess ehr =
                        JpaFhirServerProcess.launch(work.resolve("ehr"), JvmProcess.freePort(), "-Xmx1g");
                FaultyEhrProxy proxy = FaultyEhrProxy.start(ehr.baseUrl(), 42)) {
            BridgeProcess bridge = bridge(work, schema, proxy);
            ehr.awaitReady(Duration.ofMinutes(8));
            TestPatients.LOAD_RUN.forEach(ehr::seedPatient);
            bridge.awaitReady(Duration.ofMinutes(4));
            System.out.printf("JPA server and bridge up after %d s%n", SyncLoadRun.secondsSince(t0));
            try {
                run(documents, outage, flaky, work, schema, ehr, proxy, bridge);
            } finally {
                bridge.terminate();
                SyncLoadRun.dropSchema(schema);
            }
        }
    }

    private static void run(
            int documents,
            Duration outage,
            double flaky,
            Path work,
            String schema,
            JpaFhirServerProcess ehr,
            FaultyEhrProxy proxy,
            BridgeProcess bridge)
            throws Exception {
        String token = proxy.issuer().mint("chaos-run", Role.OPERATE);
        proxy.outage();
        Instant outageStart = Instant.now();
        for (ObjectNode doc : SyncLoadRun.generate(documents)) {
            bridge.submit(doc, token);
        }
        System.out.printf("EHR down; posted %d documents in %d s%n", documents, SyncLoadRun.secondsSince(outageStart));
        Instant outageEnd = outageStart.plus(outage);
        while (Instant.now().isBefore(outageEnd)) {
            Thread.sleep(Math.min(10_000, Math.max(1, Duration.between(Instant.now(), outageEnd).toMillis())));
            System.out.printf("  outage +%d s: %s%n", SyncLoadRun.secondsSince(outageStart), SyncLoadRun.states(schema));
        }
        Map<String, Integer> atOutageEnd = SyncLoadRun.states(schema);
        Map<String, Integer> outageFigures = proxy.figures();

        proxy.flaky(flaky);
        Instant flakyStart = Instant.now();
        Instant deadline = flakyStart.plus(DRAIN_LIMIT);
        Map<String, Integer> states = SyncLoadRun.states(schema);
        while (Instant.now().isBefore(deadline) && SyncLoadRun.pending(states) > 0) {
            Thread.sleep(1000);
            states = SyncLoadRun.states(schema);
        }
        Instant lastSynced = SyncLoadRun.lastSynced(schema);
        Map<String, Integer> allFigures = proxy.figures();
        proxy.healthy();
        SyncLoadRun.Report report = SyncLoadRun.count(ehr, schema, documents);

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "documents: %d, outage %s, then %.0f%% flaky answers%n", documents,
                outage, flaky * 100));
        out.append(String.format(Locale.ROOT, "states at the end of the outage: %s%n", atOutageEnd));
        out.append(String.format(Locale.ROOT, "documents SYNCED: %d%n", states.getOrDefault("SYNCED", 0)));
        out.append(String.format(Locale.ROOT, "documents DEAD: %d%n", states.getOrDefault("DEAD", 0)));
        out.append(String.format(Locale.ROOT, "documents in other states: %s%n", SyncLoadRun.others(states)));
        out.append(String.format(Locale.ROOT, "duplicates (business identifiers on more than one resource): %d%n",
                report.duplicateIdentifiers()));
        out.append(String.format(Locale.ROOT, "lost (not synced, or a recorded resource missing, or nothing in the"
                + " FHIR server): %d%n", report.lostDocuments()));
        // Each document's send leaves one Provenance (Provenance/bridge-<trackingId>) in an EHR that takes them.
        out.append(String.format(Locale.ROOT, "documents with their Provenance in the FHIR server: %d of %d%n",
                report.countsByType().getOrDefault("Provenance", 0), documents));
        out.append(String.format(Locale.ROOT, "time to drain after the outage: %.1f s (end of outage to last SYNCED)%n",
                Duration.between(flakyStart, lastSynced).toMillis() / 1000.0));
        out.append(String.format(Locale.ROOT, "FHIR requests at the proxy in the outage: %s%n", outageFigures));
        out.append(String.format(Locale.ROOT, "FHIR requests at the proxy in all: %s%n", allFigures));
        out.append(String.format(Locale.ROOT, "resources in the FHIR server by type: %s%n", report.countsByType()));
        System.out.println("---- chaos run figures ----");
        System.out.print(out);
        Files.writeString(work.resolve("figures.txt"), out.toString());
        System.out.println("figures written to " + work.resolve("figures.txt"));
    }

    private static BridgeProcess bridge(Path work, String schema, FaultyEhrProxy proxy) {
        List<String> settings = proxy.bridgeSettings(
                work, schema, "run", List.of("--bridge.outbox.lease=10s", "--bridge.outbox.backoff-max=30s"));
        return BridgeProcess.start(work.resolve("bridge.log"), JvmProcess.freePort(), List.of("-Xmx768m"), settings);
    }

    /** "6m", "45s", "1h" or ISO-8601 ("PT6M"). */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(text);
        }
        long amount = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("a duration like 6m or 45s: " + text);
        };
    }

    private ChaosRun() {}
}
