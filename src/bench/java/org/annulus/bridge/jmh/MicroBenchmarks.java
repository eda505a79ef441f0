package org.annulus.bridge.jmh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH micro-benchmarks of this package (contract check, mapping, validation, per document kind)
 * with the GC profiler, and writes {@code target/bench/jmh.json} (JMH's own) and {@code target/bench/jmh.md}
 * (a table: ops/s, ms/op, B/op, MB/s allocated). Not a test. From the project directory, after
 * {@code ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath}:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/test.classpath) org.annulus.bridge.jmh.MicroBenchmarks [forks] [warmups] [iterations] [time] [regex]
 * </pre>
 *
 * defaults 1 fork, 2 warm-up and 3 measured iterations of 2 s ({@code time}: {@code 2s}, {@code 500ms}, or
 * seconds), all benchmarks; {@code regex} picks some, e.g. {@code Mapping} or {@code validate$}.
 */
public final class MicroBenchmarks {

    private static final Path OUT = Path.of("target", "bench");

    private MicroBenchmarks() {}

    public static void main(String[] args) throws RunnerException, IOException {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        TimeValue time = args.length > 3 ? time(args[3]) : TimeValue.seconds(2);
        String regex = args.length > 4 ? args[4] : "";
        Files.createDirectories(OUT);
        String loadBefore = load();
        Options options = new OptionsBuilder()
                .include(MicroBenchmarks.class.getPackageName() + ".*" + regex)
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(time)
                .measurementIterations(iterations)
                .measurementTime(time)
                .threads(1)
                .jvmArgsAppend("-Xms2g", "-Xmx2g")
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(OUT.resolve("jmh.json").toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        String table = table(results, forks, warmups, iterations, time, loadBefore, load());
        Files.writeString(OUT.resolve("jmh.md"), table);
        System.out.println();
        System.out.println(table);
        System.out.println("written: " + OUT.resolve("jmh.json") + ", " + OUT.resolve("jmh.md"));
    }

    private static TimeValue time(String text) {
        if (text.endsWith("ms")) {
            return TimeValue.milliseconds(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        return TimeValue.seconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
    }

    static String table(
            Collection<RunResult> results, int forks, int warmups, int iterations, TimeValue time, String loadBefore,
            String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append("# JMH micro-benchmarks\n\n");
        md.append("Run ").append(Instant.now()).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append("; ").append(forks).append(" fork(s), ").append(warmups).append(" warm-up and ")
                .append(iterations).append(" measured iterations of ").append(time)
                .append(", one thread, -prof gc. Load average (1, 5, 15 min) before: ").append(loadBefore)
                .append(", after: ").append(loadAfter).append(".\n\n");
        md.append("| benchmark | kind | inputs | ops/s | ± (99.9 %) | ms/op | B/op | alloc MB/s |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort((a, b) -> label(a.getParams()).compareTo(label(b.getParams())));
        for (RunResult run : sorted) {
            BenchmarkParams params = run.getParams();
            Result<?> primary = run.getPrimaryResult();
            double opsPerSecond = primary.getScore();
            md.append(String.format(
                    "| %s | %s | %s | %.1f | %s | %.3f | %s | %s |%n",
                    shortName(params.getBenchmark()),
                    param(params, "kind"),
                    param(params, "source")
                            + (params.getParam("distinct") == null
                                    ? ""
                                    : ", " + params.getParam("distinct") + " distinct"),
                    opsPerSecond,
                    // one iteration has no error estimate
                    Double.isNaN(primary.getScoreError())
                            ? ""
                            : String.format("%.1f", primary.getScoreError()),
                    1000.0 / opsPerSecond,
                    secondary(run.getSecondaryResults(), "gc.alloc.rate.norm", "%.0f"),
                    secondary(run.getSecondaryResults(), "gc.alloc.rate", "%.1f")));
        }
        return md.toString();
    }

    private static String label(BenchmarkParams params) {
        return shortName(params.getBenchmark()) + " " + param(params, "kind") + " " + param(params, "source");
    }

    private static String shortName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts[parts.length - 2].replace("Benchmark", "") + "." + parts[parts.length - 1];
    }

    private static String param(BenchmarkParams params, String name) {
        String value = params.getParam(name);
        return value == null ? "" : value;
    }

    /** JMH names the GC profiler's figures with or without a leading "·", depending on its version. */
    private static String secondary(Map<String, Result> results, String name, String format) {
        Result<?> result = results.get(name);
        if (result == null) {
            result = results.get("·" + name);
        }
        return result == null ? "" : String.format(format, result.getScore());
    }

    private static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
