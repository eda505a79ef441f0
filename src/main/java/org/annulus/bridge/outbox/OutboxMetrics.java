package org.annulus.bridge.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * Outbox depth per state and the age of the oldest document still on its way, read from the store
 * at most every few seconds however often Prometheus scrapes.
 */
@Component
class OutboxMetrics implements MeterBinder {

    private static final Duration FRESH = Duration.ofSeconds(5);

    private final DocumentStore store;
    private final Clock clock;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(Instant.EPOCH, Map.of(), 0));

    OutboxMetrics(DocumentStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (DocumentState state : DocumentState.values()) {
            Gauge.builder("bridge.outbox.depth", this, m -> m.current().counts().getOrDefault(state.name(), 0L))
                    .description("documents in each outbox state")
                    .tag("state", state.name())
                    .register(registry);
        }
        // bridge_outbox_oldest_pending_seconds: what to alert on (an outage, a stuck document); no labels.
        Gauge.builder("bridge.outbox.oldest.pending", this, m -> m.current().oldestPendingSeconds())
                .description("age of the oldest document still on its way to the EHR (not yet synced or parked)")
                .baseUnit("seconds")
                .register(registry);
    }

    /** Age of the oldest document still on its way (zero when none), as the gauge shows it. */
    Duration oldestPending() {
        return Duration.ofSeconds((long) current().oldestPendingSeconds());
    }

    private Snapshot current() {
        Snapshot s = snapshot.get();
        Instant now = clock.instant();
        if (Duration.between(s.at(), now).compareTo(FRESH) < 0) {
            return s;
        }
        double age = store.oldestPending()
                .map(t -> (double) Duration.between(t.toInstant(), now).toSeconds())
                .orElse(0.0);
        Snapshot fresh = new Snapshot(now, store.countByState(), age);
        snapshot.set(fresh);
        return fresh;
    }

    private record Snapshot(Instant at, Map<String, Long> counts, double oldestPendingSeconds) {}
}
