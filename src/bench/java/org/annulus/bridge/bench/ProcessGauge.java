package org.annulus.bridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CPU and heap of processes over a measurement: CPU time from {@code /proc/<pid>/stat} (user + system,
 * at the kernel's 100 ticks a second) between {@link #start} and {@link #stop}, so cores used = CPU
 * seconds / wall seconds; the bridge's heap from its own {@code jvm.memory.used} (area heap) metric,
 * sampled every second, its peak kept, and at the end its heap in use right after a full collection
 * ({@code jcmd <pid> GC.run}): what stays, the figure that must be flat from 1k to 100k documents.
 */
final class ProcessGauge {

    private static final double TICKS_PER_SECOND = 100.0;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<Long> pids;
    private final List<String> metricsBases;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private long startTicks;
    private long startNanos;
    private volatile double heapPeakBytes;
    private volatile double heapLastBytes;
    private volatile double liveBytes;

    /** Measures the processes' CPU; samples the heap of those of {@code metricsBases} (bridge URLs). */
    ProcessGauge(List<Long> pids, List<String> metricsBases) {
        this.pids = pids;
        this.metricsBases = metricsBases;
    }

    void start() {
        startTicks = ticks();
        startNanos = System.nanoTime();
        if (!metricsBases.isEmpty()) {
            sampler.scheduleWithFixedDelay(this::sampleHeap, 0, 1, TimeUnit.SECONDS);
        }
    }

    /** CPU seconds used and wall seconds since {@link #start}. */
    record Usage(double cpuSeconds, double wallSeconds, double heapPeakMb, double heapLastMb, double heapAfterGcMb) {
        double cores() {
            return wallSeconds == 0 ? 0 : cpuSeconds / wallSeconds;
        }
    }

    Usage stop() {
        long ticks = ticks();
        double wall = (System.nanoTime() - startNanos) / 1e9;
        sampler.shutdownNow();
        if (!metricsBases.isEmpty()) {
            sampleHeap();
            liveBytes = heapAfterFullGc();
        }
        return new Usage((ticks - startTicks) / TICKS_PER_SECOND, wall, heapPeakBytes / 1e6, heapLastBytes / 1e6,
                liveBytes / 1e6);
    }

    private long ticks() {
        long sum = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // fields after the command name in parentheses: state is field 3, utime 14, stime 15
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (Exception e) {
                // a process gone or no /proc: no figure rather than a wrong one
                return -1;
            }
        }
        return sum;
    }

    /** Sum over the instances of their heap in use now (no figure at all if one does not answer). */
    private void sampleHeap() {
        double total = 0;
        for (String base : metricsBases) {
            double used = metric(base, "jvm.memory.used?tag=area:heap");
            if (Double.isNaN(used)) {
                return;
            }
            total += used;
        }
        heapLastBytes = total;
        heapPeakBytes = Math.max(heapPeakBytes, total);
    }

    /** Each instance's heap in use right after a full GC it was asked for, summed; 0 if one cannot tell. */
    private double heapAfterFullGc() {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        double total = 0;
        for (int i = 0; i < pids.size(); i++) {
            try {
                Process gc = new ProcessBuilder(jcmd, Long.toString(pids.get(i)), "GC.run")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
                    gc.destroyForcibly();
                    return 0;
                }
            } catch (Exception e) {
                return 0;
            }
            double used = metric(metricsBases.get(i), "jvm.memory.used?tag=area:heap");
            if (Double.isNaN(used)) {
                return 0;
            }
            total += used;
        }
        return total;
    }

    /** The first measurement of the bridge's actuator metric, or NaN. */
    private static double metric(String base, String nameAndTags) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/" + nameAndTags))
                            .timeout(Duration.ofSeconds(5))
                            .header("Authorization", "Bearer " + BridgeFleet.token())
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() != 200
                    ? Double.NaN
                    : JSON.readTree(response.body()).at("/measurements/0/value").asDouble();
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
