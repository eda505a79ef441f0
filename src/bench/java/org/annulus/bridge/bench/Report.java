package org.annulus.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** The benchmark's report: the table printed and in {@code report.md}, the chart in {@code sync.png}. */
final class Report {

    private Report() {}

    static String machine(BenchSettings settings, String ehrStore, String loadAtStart) {
        return String.format(Locale.ROOT, """
                - machine: %d cores, %s memory; %s %s (%s)
                - load average at start: %s
                - EHR: HAPI FHIR JPA server 8.4 in its own process (-Xmx1g), on %s, fresh for each configuration
                - bridge: its own process(es) (-Xmx768m) on PostgreSQL 127.0.0.1:5432 (one schema per configuration), \
                outbox settings at their defaults but `bridge.outbox.workers`
                - documents: seed %d, one patient per 5 documents, episodes of candidacy assessment -> procedure note \
                -> 3 recovery milestones, ~5 %% amendments, ~2 %% bad (refused at intake, not sync work); %d warm-up \
                documents (own patients) synced first; %d posting threads
                """, Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.arch"), loadAtStart, ehrStore,
                settings.seed(), settings.warmup(), BenchSettings.POSTING_THREADS);
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| documents | configuration | ingest docs/s | synced | not synced | sync docs/s | resources/s"
                + " | latency p50 / p95 / p99 s | bridge CPU cores | bridge CPU ms/doc | bridge heap peak MB"
                + " | EHR CPU cores | ceiling docs/s (concurrency) | bridge / ceiling | load avg before -> after |\n");
        out.append("|---:|---|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT,
                    "| %s | %s | %.1f (%d accepted, %d refused) | %d | %s | %.2f | %.1f | %.1f / %.1f / %.1f | %.2f | %.0f"
                            + " | %.0f | %.2f | %.2f (%d) | **%.0f %% of the ceiling** | %s -> %s |\n",
                    r.documents(), r.setup().label(), r.posting().perSecond(), r.posting().accepted(), r.posting().refused(),
                    r.sync().synced(), r.notSynced().isEmpty() ? "-" : r.notSynced().toString(),
                    r.sync().docsPerSecond(), r.sync().resourcesPerSecond(), r.sync().p50(), r.sync().p95(),
                    r.sync().p99(), r.bridge().cores(), r.bridgeCpuMsPerDocument(), r.bridge().heapPeakMb(),
                    r.ehr().cores(), r.ceilingDocsPerSecond(), r.setup().concurrency(), r.percentOfCeiling(),
                    r.loadBefore(), r.loadAfter()));
        }
        return out.toString();
    }

    static String costGrowth(List<Row> rows) {
        StringBuilder out = new StringBuilder("| configuration | documents | bridge CPU ms/doc | EHR CPU ms/doc"
                + " | sync s/doc (wall) | heap peak MB | heap after full GC MB | ceiling replay ms/doc |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        rows.stream()
                .sorted(java.util.Comparator.comparing((Row r) -> r.setup().label()).thenComparing(Row::size))
                .forEach(r -> out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.3f | %.0f | %s | %.1f |\n",
                        r.setup().label(), r.documents(), r.bridgeCpuMsPerDocument(), r.ehrCpuMsPerDocument(),
                        r.sync().synced() == 0 ? 0 : r.sync().seconds() / r.sync().synced(), r.bridge().heapPeakMb(),
                        r.bridge().heapAfterGcMb() > 0 ? String.format(Locale.ROOT, "%.0f", r.bridge().heapAfterGcMb())
                                : "(unknown)",
                        r.sync().synced() == 0 || r.ceiling() == null ? 0 : 1000 * r.ceiling().seconds() / r.sync().synced())));
        return out.toString();
    }

    /**
     * Where the cores went: with everything on one machine, a bridge run whose cores are as busy as the
     * ceiling's is limited by CPU per document, not by waiting; the bound says how far that CPU cost lets it go.
     */
    static String cpuShare(List<Row> rows) {
        StringBuilder out = new StringBuilder("| documents | configuration | cores busy during sync | CPU ms/doc during"
                + " sync: machine (bridge / EHR / rest) | cores busy during ceiling | CPU ms/doc at the ceiling: machine"
                + " (EHR / rest) | CPU bound: ceiling ms / sync ms | bridge / ceiling | bridge / bound |\n"
                + "|---:|---|---:|---|---:|---|---:|---:|---:|\n");
        for (Row r : rows) {
            double machine = r.machineCpuMsPerDocument();
            double ceiling = r.ceilingMachineCpuMsPerDocument();
            out.append(String.format(Locale.ROOT,
                    "| %s | %s | %.2f of %d (%.0f %%) | %.0f (%.0f / %.0f / %.0f) | %.2f of %d (%.0f %%) | %.0f (%.0f / %.0f)"
                            + " | %.0f %% | %.0f %% | %.0f %% |\n",
                    r.documents(), r.setup().label(), r.machine().cores(), r.machine().coresOnMachine(),
                    r.machine().percentBusy(), machine, r.bridgeCpuMsPerDocument(), r.ehrCpuMsPerDocument(),
                    machine - r.bridgeCpuMsPerDocument() - r.ehrCpuMsPerDocument(), r.ceilingMachine().cores(),
                    r.ceilingMachine().coresOnMachine(), r.ceilingMachine().percentBusy(), ceiling,
                    r.ceilingEhrCpuMsPerDocument(), ceiling - r.ceilingEhrCpuMsPerDocument(), r.cpuBoundPercent(),
                    r.percentOfCeiling(), r.cpuBoundPercent() == 0 ? 0 : 100 * r.percentOfCeiling() / r.cpuBoundPercent()));
        }
        return out.toString();
    }

    static String ceilingDetails(List<Row> rows) {
        StringBuilder out = new StringBuilder("| documents | configuration | write requests replayed | transactions"
                + " | entries | answers of another class than recorded | replay s |\n|---:|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            if (r.ceiling() != null) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %.1f |\n", r.documents(),
                        r.setup().label(), r.ceiling().requests(), r.ceiling().transactions(), r.ceiling().entries(),
                        r.ceiling().statusDiffers(), r.ceiling().seconds()));
            }
        }
        return out.toString();
    }

    static void write(Path dir, String machine, List<Row> rows, String loadAtEnd) throws IOException {
        Files.createDirectories(dir);
        String md = "# Sync benchmark (issue 15)\n\n"
                + "`./mvnw -Pbench verify`, " + java.time.Instant.now() + "\n\n" + machine
                + "- load average at the end: " + loadAtEnd + "\n\n"
                + "## Bridge and ceiling\n\n"
                + "Sync = first document accepted -> last SYNCED (outbox `received_at` and transition times); latency"
                + " = each document's accepted -> SYNCED. A window (`bench.window`): all documents posted first, then"
                + " the next N synced, timed from the window's start, CPU and heap over the window; its ceiling"
                + " replays the window's writes after the earlier ones, unmeasured. The ceiling: the write requests the JPA server received"
                + " from the bridge (recorded by the server), replayed warm to a fresh server by a minimal client at"
                + " the same concurrency (workers x instances), each patient's requests in order; in the bridge's"
                + " documents per second.\n\n"
                + table(rows) + "\n"
                + "## Cost per document by size\n\n"
                + "Flat rows from 1k to 10k to 100k documents mean cost per document does not grow.\n\n"
                + costGrowth(rows) + "\n"
                + "## What limits the ratio: the shared cores\n\n"
                + "The bridge, its PostgreSQL, the JPA server and the posting client share the machine's cores; the"
                + " ceiling run has the JPA server and a client that costs next to nothing. Rest = PostgreSQL, the"
                + " posting client and the benchmark itself. Throughput is cores busy / CPU per document, so at equally"
                + " busy cores the ratio is the ceiling's CPU per document over the sync's: the bound. With the cores"
                + " (nearly) all busy in both runs, no bridge with this CPU cost could pass it on this machine; with"
                + " cores to spare (one worker), the bridge is bound by latency instead: one document at a time, its"
                + " own CPU and the EHR's answer in series.\n\n"
                + cpuShare(rows) + "\n"
                + "## Ceiling replay\n\n" + ceilingDetails(rows) + "\n"
                + "![sync](sync.png)\n";
        Files.writeString(dir.resolve("report.md"), md);
        if (!rows.isEmpty()) {
            chart(dir.resolve("sync.png"), rows);
        }
    }

    private static void chart(Path png, List<Row> rows) throws IOException {
        CategoryChart chart = new CategoryChartBuilder()
                .width(1000)
                .height(520)
                .title("Sync: bridge vs ceiling (documents/s)")
                .xAxisTitle("configuration")
                .yAxisTitle("documents/s")
                .build();
        for (int size : rows.stream().map(Row::size).distinct().toList()) {
            List<String> labels = new ArrayList<>();
            List<Double> bridge = new ArrayList<>();
            List<Double> ceiling = new ArrayList<>();
            rows.stream().filter(r -> r.size() == size).forEach(r -> {
                labels.add(r.setup().label());
                bridge.add(r.sync().docsPerSecond());
                ceiling.add(r.ceilingDocsPerSecond());
            });
            chart.addSeries("bridge, " + size + " docs", labels, bridge);
            chart.addSeries("ceiling, " + size + " docs", labels, ceiling);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    private static String memory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            // below
        }
        return "(unknown)";
    }
}
