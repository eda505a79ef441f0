package org.annulus.bridge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How long the runnable jar takes to start as the README's quick start runs it (embedded default: H2 and
 * the sandbox EHR), N times: from the process start to Spring's "Started" line in its log and to
 * {@code /actuator/health/readiness} answering UP, and the heap then. Not a test. From the project
 * directory, after {@code ./mvnw -o -q package -DskipTests} (and the test compile, for this class):
 *
 * <pre>
 * java -cp target/test-classes org.annulus.bridge.bench.StartUpTime [runs] [JVM options of the bridge...]
 * </pre>
 *
 * With {@code -Dstartup.jar=PATH} (before the class name) it starts that jar instead of {@code target/*.jar}.
 *
 * Each run starts in a fresh working directory of its own under {@code target/startup/} (with
 * {@code camel-routes/} and {@code fhir-profiles/} linked in): a first start, with the database made, as on
 * a fresh clone; the port is a free one instead of 8080. The logs stay there. Load average is printed
 * beside the figures.
 */
public final class StartUpTime {

    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final Pattern STARTED = Pattern.compile("Started \\S+ in ([0-9.]+) seconds");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private StartUpTime() {}

    record Start(
            long startedMillis,
            double springSeconds,
            long readyMillis,
            long heapUsedKb,
            long heapCommittedKb,
            long rssKb) {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> jvmOptions = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        Path jar = jar();
        Path root = Path.of("target", "startup").toAbsolutePath();
        System.out.printf("%s (%d MB), JVM options %s, %d cores, load average %s%n",
                jar, Files.size(jar) >> 20, jvmOptions, Runtime.getRuntime().availableProcessors(), load());
        List<Start> starts = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Path dir = fresh(root.resolve("run-" + run));
            Start start = start(jar, dir, jvmOptions);
            starts.add(start);
            System.out.printf(
                    "run %d: Started after %.1f s (Spring: %.1f s), readiness UP after %.1f s, heap used %d MB"
                            + " of %d MB committed, RSS %d MB; load average %s%n",
                    run, start.startedMillis() / 1000.0, start.springSeconds(), start.readyMillis() / 1000.0,
                    start.heapUsedKb() >> 10, start.heapCommittedKb() >> 10, start.rssKb() >> 10, load());
        }
        starts.sort(Comparator.comparingLong(Start::readyMillis));
        Start median = starts.get(starts.size() / 2);
        System.out.printf(
                "median of %d: Started after %.1f s, readiness UP after %.1f s, heap used %d MB; load average %s%n",
                runs, median.startedMillis() / 1000.0, median.readyMillis() / 1000.0, median.heapUsedKb() >> 10,
                load());
    }

    private static Start start(Path jar, Path dir, List<String> jvmOptions) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port));
        long t0 = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        CompletableFuture<double[]> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> copy(process, dir.resolve("bridge.log"), t0, started), "bridge-log");
        reader.setDaemon(true);
        reader.start();
        try {
            long ready = awaitReady(process, port, t0);
            double[] line = started.get(10, TimeUnit.SECONDS);
            long[] heap = heap(process.pid());
            return new Start((long) line[0], line[1], ready, heap[0], heap[1], rss(process.pid()));
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Copies the bridge's output to its log and notes when the "Started" line came, and Spring's own figure. */
    private static void copy(Process process, Path log, long t0, CompletableFuture<double[]> started) {
        try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
            for (String line; (line = in.readLine()) != null; ) {
                Matcher m = STARTED.matcher(line);
                if (!started.isDone() && m.find()) {
                    double millis = (System.nanoTime() - t0) / 1e6;
                    started.complete(new double[] {millis, Double.parseDouble(m.group(1))});
                }
                out.println(line);
            }
        } catch (IOException e) {
            started.completeExceptionally(e);
        }
    }

    private static long awaitReady(Process process, int port, long t0) throws Exception {
        HttpRequest readiness = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() - t0 < LIMIT.toNanos()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the bridge exited (" + process.exitValue() + ") before it was ready");
            }
            try {
                HttpResponse<String> answer = HTTP.send(readiness, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            } catch (IOException notYetListening) {
                // the port opens late in the start-up
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("not ready after " + LIMIT);
    }

    /** Heap used and committed (KB) from {@code jcmd GC.heap_info}, as the collector reports it. */
    private static long[] heap(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.heap_info")
                .redirectErrorStream(true)
                .start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
        return m.find()
                ? new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(1))}
                : new long[] {-1, -1};
    }

    private static long rss(long pid) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst()
                    .orElse(-1L);
        }
    }

    /** {@code -Dstartup.jar=...}: another jar, e.g. the extracted one an AppCDS archive was made for. */
    private static Path jar() throws IOException {
        String chosen = System.getProperty("startup.jar");
        if (chosen != null) {
            return Path.of(chosen).toAbsolutePath();
        }
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("annulus-bridge-.*\\.jar"))
                    .filter(f -> !f.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalStateException("no runnable jar: ./mvnw -o -q package -DskipTests"))
                    .toAbsolutePath();
        }
    }

    /** An empty working directory with the routes and profiles the bridge reads from the file system. */
    private static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        for (String linked : List.of("camel-routes", "fhir-profiles")) {
            Files.createSymbolicLink(dir.resolve(linked), Path.of(linked).toAbsolutePath());
        }
        return dir;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
