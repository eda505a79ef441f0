package org.annulus.bridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.annulus.bridge.BridgeProcess;

/**
 * Issue 15's benchmark, not a test: {@code ./mvnw -Pbench verify} (README "Tests and benchmarks"). For each
 * size and configuration (1, 2, 4 workers; two instances on one schema): a fresh HAPI FHIR JPA server
 * recording the writes it receives, the bridge process(es) on PostgreSQL, warm-up documents synced, then
 * the measured documents posted and synced; then the ceiling, the recorded writes replayed to another fresh
 * server at the same concurrency. Prints the table and writes {@code target/bench/report.md} and
 * {@code sync.png}. Everything on 127.0.0.1; every wait is bounded.
 */
public final class Benchmark {

    static final Path OUT = Path.of("target", "bench");
    static final Duration STALL = Duration.ofMinutes(3);

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        int code = 0;
        try {
            run(BenchSettings.fromSystemProperties());
        } catch (Exception e) {
            e.printStackTrace();
            code = 1;
        }
        // the JDK HTTP clients' and HAPI's threads would keep the JVM alive
        System.exit(code);
    }

    static void run(BenchSettings settings) throws Exception {
        if (!OutboxFigures.bridgeDatabaseAnswers()) {
            throw new IllegalStateException("the benchmark needs PostgreSQL at 127.0.0.1:5432 (database test, user "
                    + BridgeProcess.PG_USER + ", trust) for the bridge's store");
        }
        boolean ehrOnH2 =
                settings.ehrOnH2() || !EhrServer.serverHasPostgresDriver() || !EhrServer.postgresCanCreate();
        String loadAtStart = Report.loadAverage();
        Path work = OUT.resolve("work");
        Files.createDirectories(work);
        String machine = Report.machine(settings, ehrOnH2 ? "H2 in memory" : "PostgreSQL (a database of its own)",
                loadAtStart);
        System.out.println("benchmark: " + settings);
        System.out.print(machine);
        List<Row> rows = new ArrayList<>();
        Cohort warm = Cohort.of("9", Math.max(4, settings.warmup() / 5), settings.seed() + 1);
        for (int size : settings.sizes()) {
            Cohort measured = Cohort.of("8", Math.max(4, size / 5), settings.seed());
            for (BenchSettings.Setup setup : settings.setups()) {
                Path dir = work.resolve(size + "-" + setup.instances() + "x" + setup.workersEach());
                Row row = measure(settings, size, setup, dir, ehrOnH2, warm, measured);
                rows.add(row);
                System.out.println(Report.table(List.of(row)));
                Report.write(OUT, machine, rows, Report.loadAverage());
            }
        }
        Report.write(OUT, machine, rows, Report.loadAverage());
        System.out.println("---- benchmark figures ----");
        System.out.print(Report.table(rows));
        System.out.println();
        System.out.print(Report.costGrowth(rows));
        System.out.println();
        System.out.print(Report.cpuShare(rows));
        System.out.println("report: " + OUT.resolve("report.md").toAbsolutePath() + ", chart: "
                + OUT.resolve("sync.png").toAbsolutePath());
    }

    private static Row measure(BenchSettings settings, int size, BenchSettings.Setup setup, Path dir, boolean ehrOnH2,
            Cohort warm, Cohort measured) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %d documents, %s: starting the JPA server and the bridge (load %s)%n",
                size, setup.label(), Report.loadAverage());
        String loadBefore = Report.loadAverage();
        Path record = dir.resolve("ehr-writes.jsonl");
        Files.createDirectories(dir);
        Files.deleteIfExists(record);
        String schema = "bench_" + ProcessHandle.current().pid() + "_" + dir.getFileName().toString().replace('-', '_');
        long seedLines;
        long warmLines;
        long windowLines = -1; // a window's first and end line in the record; -1: not a window
        long windowEndLines = -1;
        int waiting = 0;
        Posting.Result posting = null;
        Map<String, Integer> states;
        ProcessGauge.Usage bridgeUsage;
        ProcessGauge.Usage ehrUsage;
        OutboxFigures.Sync sync;
        MachineCpu.Usage machineUsage;
        try (EhrServer ehr = EhrServer.start(dir.resolve("ehr"), ehrOnH2, record, List.of(warm, measured));
                BridgeFleet fleet = BridgeFleet.start(dir, schema, ehr.baseUrl(), setup.instances(),
                        setup.workersEach())) {
            OutboxFigures outbox = new OutboxFigures(schema);
            seedLines = Replay.lines(record); // the patients seeded: not the bridge's writes
            if (settings.warmup() > 0) {
                Posting.Result w = Posting.post(warm, settings.warmup(), settings.seed() + 1, fleet.instances());
                outbox.awaitDrained(Instant.EPOCH, w.accepted(), STALL);
                System.out.printf("warm-up: %d documents synced%n", w.accepted());
            }
            warmLines = Replay.lines(record);
            Instant since = Instant.now();
            boolean windowed = settings.windowed(size);
            if (windowed) {
                posting = Posting.post(measured, size, settings.seed(), fleet.instances());
                printPosted(posting);
                Map<String, Integer> before = outbox.states(since);
                waiting = OutboxFigures.onItsWay(before);
                System.out.printf("window: %d documents waiting, measuring the next %d synced%n", waiting,
                        settings.window());
                windowLines = Replay.lines(record);
            }
            Instant from = Instant.now();
            ProcessGauge bridgeGauge = new ProcessGauge(
                    fleet.instances().stream().map(BridgeProcess::pid).toList(),
                    fleet.instances().stream().map(BridgeProcess::baseUrl).toList());
            ProcessGauge ehrGauge = new ProcessGauge(List.of(ehr.pid()), List.of());
            MachineCpu machine = new MachineCpu().start();
            bridgeGauge.start();
            ehrGauge.start();
            if (windowed) {
                int syncedBefore = outbox.states(since).getOrDefault("SYNCED", 0);
                states = outbox.awaitSynced(since, syncedBefore + settings.window(), STALL);
            } else {
                posting = Posting.post(measured, size, settings.seed(), fleet.instances());
                printPosted(posting);
                states = outbox.awaitDrained(since, posting.accepted(), STALL);
            }
            Instant until = Instant.now();
            bridgeUsage = bridgeGauge.stop();
            ehrUsage = ehrGauge.stop();
            machineUsage = machine.stop();
            windowEndLines = windowed ? Replay.lines(record) : -1;
            sync = windowed ? outbox.sync(since, from, until) : outbox.sync(since);
        }
        System.out.printf(Locale.ROOT, "synced: %d in %.1f s; the ceiling: replaying %s at %d%n", sync.synced(),
                sync.seconds(), record.getFileName(), setup.concurrency());
        Replay.Result ceiling;
        ProcessGauge.Usage ceilingEhr;
        MachineCpu.Usage ceilingMachine;
        try (EhrServer fresh = EhrServer.start(dir.resolve("ceiling"), ehrOnH2, null, List.of(warm, measured))) {
            Replay replay = new Replay(fresh.baseUrl(), setup.concurrency());
            // warm (and, for a window, everything written before it): replayed, not measured
            long measuredFrom = windowLines >= 0 ? windowLines : warmLines;
            replay.run(record, seedLines, measuredFrom);
            ProcessGauge ehrGauge = new ProcessGauge(List.of(fresh.pid()), List.of());
            MachineCpu machine = new MachineCpu().start();
            ehrGauge.start();
            ceiling = replay.run(record, measuredFrom, windowEndLines);
            ceilingEhr = ehrGauge.stop();
            ceilingMachine = machine.stop();
        }
        Files.deleteIfExists(record);
        return new Row(size, setup, posting, sync, states, bridgeUsage, ehrUsage, machineUsage, ceiling, ceilingEhr,
                ceilingMachine, loadBefore, Report.loadAverage(), waiting);
    }

    private static void printPosted(Posting.Result posting) {
        System.out.printf(Locale.ROOT, "posted: %d accepted, %d refused at intake, %.1f documents/s%n",
                posting.accepted(), posting.refused(), posting.perSecond());
    }
}
