package org.annulus.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ceiling's minimal client: replays the write requests the JPA server recorded while the bridge
 * synced ({@code --record}), to a fresh server, at a given concurrency, each patient's requests in the
 * order the bridge sent them, and nothing else (no patient search, no reads, no mapping, no validation).
 * Streams the record file: only a bounded window of requests is in memory. The ids the first server
 * assigned are translated to those the fresh server assigns, learned from both servers' answers.
 */
final class Replay {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATIENT = Pattern.compile("Patient/(bench-[0-9]+)");
    private static final Pattern REFERENCE = Pattern.compile("\\b([A-Z][A-Za-z]+)/([0-9]+)\\b");
    private static final Pattern LOCATION = Pattern.compile("([A-Z][A-Za-z]+)/([^/?]+)(/_history/[^/?]+)?/?$");

    /** What a replay did: requests, transactions among them and their entries, answers that differed. */
    record Result(int requests, int transactions, int entries, int statusDiffers, double seconds) {

        double transactionsPerSecond() {
            return seconds == 0 ? 0 : transactions / seconds;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final int concurrency;
    /** "Type/recordedId" -> "Type/replayedId"; and which patient's lane produced a recorded id. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();
    private final Map<String, String> laneOfId = new ConcurrentHashMap<>();

    Replay(String base, int concurrency) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.concurrency = concurrency;
    }

    /** Replays lines {@code [from, to)} of the record file (to = -1: the end); the figures of that part. */
    Result run(Path record, long from, long to) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        Semaphore window = new Semaphore(concurrency * 16);
        Map<String, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger transactions = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        AtomicInteger differs = new AtomicInteger();
        long started = System.nanoTime();
        try (BufferedReader in = Files.newBufferedReader(record, StandardCharsets.UTF_8)) {
            Iterator<String> lines = in.lines().iterator();
            for (long n = 0; lines.hasNext() && (to < 0 || n < to); n++) {
                String text = lines.next();
                if (n < from) {
                    continue;
                }
                JsonNode line = JSON.readTree(text);
                String lane = laneOf(line);
                for (JsonNode location : line.path("locations")) {
                    typeAndId(location.asText()).ifPresent(id -> laneOfId.put(id, lane));
                }
                window.acquire();
                lanes.compute(lane, (k, before) -> (before == null ? CompletableFuture.<Void>completedFuture(null) : before)
                        .thenRunAsync(() -> {
                            boolean transaction = line.path("path").asText().isEmpty()
                                    && "POST".equals(line.path("method").asText());
                            int status = send(line);
                            requests.incrementAndGet();
                            if (transaction) {
                                transactions.incrementAndGet();
                                entries.addAndGet(line.path("locations").size());
                            } else {
                                entries.incrementAndGet();
                            }
                            if (status / 100 != line.path("status").asInt() / 100) {
                                differs.incrementAndGet();
                            }
                        }, pool)
                        .whenComplete((ok, failure) -> window.release()));
            }
            CompletableFuture.allOf(lanes.values().toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }
        return new Result(requests.get(), transactions.get(), entries.get(), differs.get(),
                (System.nanoTime() - started) / 1e9);
    }

    /** The patient the request is about, or the lane of an id it names that an earlier request created. */
    private String laneOf(JsonNode line) {
        String text = line.path("path").asText() + " " + line.path("body").asText();
        Matcher patient = PATIENT.matcher(text);
        if (patient.find()) {
            return patient.group(1);
        }
        Matcher reference = REFERENCE.matcher(text);
        while (reference.find()) {
            String lane = laneOfId.get(reference.group(1) + "/" + reference.group(2));
            if (lane != null) {
                return lane;
            }
        }
        return "(none)";
    }

    private int send(JsonNode line) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + translate(line.path("path").asText())))
                    .timeout(Duration.ofSeconds(120));
            String body = translate(line.path("body").asText());
            line.path("headers").fields().forEachRemaining(h -> request.header(h.getKey(), h.getValue().asText()));
            request.method(line.path("method").asText(), body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            learn(line.path("locations"), answered(response));
            return response.statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> answered(HttpResponse<String> response) {
        List<String> locations = new ArrayList<>();
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body != null && "Bundle".equals(body.path("resourceType").asText())) {
                body.path("entry").forEach(e -> locations.add(e.at("/response/location").asText("")));
                return locations;
            }
        } catch (Exception notJson) {
            // the header says it
        }
        response.headers().firstValue("Location").or(() -> response.headers().firstValue("Content-Location"))
                .ifPresent(locations::add);
        return locations;
    }

    private void learn(JsonNode recorded, List<String> replayed) {
        for (int i = 0; i < Math.min(recorded.size(), replayed.size()); i++) {
            String replayedId = typeAndId(replayed.get(i)).orElse(null);
            typeAndId(recorded.get(i).asText()).ifPresent(id -> {
                if (replayedId != null && !id.equals(replayedId)) {
                    ids.put(id, replayedId);
                }
            });
        }
    }

    /** The recorded ids in the text, as the fresh server knows them. */
    private String translate(String text) {
        if (ids.isEmpty()) {
            return text;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String known = ids.get(m.group(1) + "/" + m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(known != null ? known : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** "Condition/123" of "http://host/fhir/Condition/123/_history/1", if it names one. */
    static java.util.Optional<String> typeAndId(String location) {
        Matcher m = LOCATION.matcher(location);
        return m.find() ? java.util.Optional.of(m.group(1) + "/" + m.group(2)) : java.util.Optional.empty();
    }

    /** Lines in the record file now. */
    static long lines(Path record) throws Exception {
        if (!Files.exists(record)) {
            return 0;
        }
        try (var stream = Files.lines(record, StandardCharsets.UTF_8)) {
            return stream.count();
        }
    }
}
