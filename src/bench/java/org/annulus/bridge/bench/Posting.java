package org.annulus.bridge.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.annulus.bridge.BridgeProcess;
import org.annulus.bridge.Fixtures;

/**
 * Posts a cohort's documents to the bridge instances from {@link BenchSettings#POSTING_THREADS} threads,
 * each thread its own patients (so each patient's documents arrive in order) and its own instance in
 * turn. Counts what was accepted (202) and what was refused at intake (4xx: the bad documents).
 */
final class Posting {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** What the intake answered, and how long posting took. */
    record Result(int accepted, int refused, int refusedButGood, int acceptedButBad, int failed, Instant started,
            Instant finished) {

        double perSecond() {
            double seconds = Duration.between(started, finished).toMillis() / 1000.0;
            return seconds == 0 ? 0 : (accepted + refused) / seconds;
        }
    }

    static Result post(Cohort cohort, int documents, long seed, List<BridgeProcess> instances) throws Exception {
        int lanes = BenchSettings.POSTING_THREADS;
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger refusedButGood = new AtomicInteger();
        AtomicInteger acceptedButBad = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        String token = BridgeFleet.token();
        ExecutorService threads = Executors.newFixedThreadPool(lanes);
        Instant started = Instant.now();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                DocumentStream stream =
                        new DocumentStream(cohort, lane, lanes, DocumentStream.quota(documents, lane, lanes), seed);
                BridgeProcess to = instances.get(lane % instances.size());
                running.add(threads.submit(() -> {
                    while (stream.hasNext()) {
                        DocumentStream.Document doc = stream.next();
                        int status = send(to, Fixtures.json(doc.json()), token);
                        if (status == 202) {
                            accepted.incrementAndGet();
                            if (doc.bad()) {
                                acceptedButBad.incrementAndGet();
                            }
                        } else if (status >= 400 && status < 500) {
                            refused.incrementAndGet();
                            if (!doc.bad()) {
                                refusedButGood.incrementAndGet();
                            }
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get();
            }
        } finally {
            threads.shutdownNow();
        }
        return new Result(accepted.get(), refused.get(), refusedButGood.get(), acceptedButBad.get(), failed.get(),
                started, Instant.now());
    }

    private static int send(BridgeProcess to, String body, String token) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(to.baseUrl() + "/api/v1/documents"))
                                    .timeout(Duration.ofSeconds(60))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + token)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
