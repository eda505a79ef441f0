package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Alerting on age, on H2 and PostgreSQL with a clock the test moves: the gauge
 * {@code bridge_outbox_oldest_pending_seconds} and the {@code outbox} health component, which turns
 * DOWN once when the oldest document on its way is older than {@code bridge.outbox.alert-after} and
 * UP once when it is through. Parked documents (DEAD) do not count: they have their own state gauge.
 */
class OutboxHealthIndicatorTest {

    static final StoreDatabases DB = StoreDatabases.named("outboxhealth");
    static final Duration ALERT_AFTER = Duration.ofMinutes(15);

    static Stream<DataSource> databases() {
        return DB.both();
    }

    @AfterAll
    static void drop() {
        DB.drop();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void turnsDownWhenTheOldestPendingDocumentIsOlderThanTheThresholdAndUpWhenItIsThrough(DataSource db) {
        ClockedStore s = ClockedStore.fresh(DB, db);
        TestClock clock = s.clock();
        DocumentStore store = s.store();
        OutboxMetrics metrics = new OutboxMetrics(store, clock);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        OutboxHealthIndicator health = new OutboxHealthIndicator(
                metrics,
                new OutboxProperties(
                        20,
                        Duration.ofMinutes(2),
                        Duration.ofHours(24),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(10),
                        5,
                        ALERT_AFTER,
                        4,
                        true,
                        Duration.ofSeconds(30)));

        String parked = s.accepted("CA-parked");
        store.transition(parked, DocumentState.ACCEPTED, DocumentState.DEAD, "test", Change.none());
        clock.advance(Duration.ofHours(1));
        assertThat(health.health().getStatus())
                .as("a parked document raises no alert")
                .isEqualTo(Status.UP);

        String waiting = s.accepted("CA-waiting");
        clock.advance(ALERT_AFTER);
        Health atThreshold = health.health();
        clock.advance(Duration.ofSeconds(6));
        Health past = health.health();

        assertThat(atThreshold.getStatus()).isEqualTo(Status.UP);
        assertThat(past.getStatus()).isEqualTo(Status.DOWN);
        assertThat(past.getDetails())
                .containsEntry("oldestPendingSeconds", 906L)
                .containsEntry("alertAfter", "PT15M");
        assertThat(registry.get("bridge.outbox.oldest.pending").gauge().value()).isEqualTo(906.0);

        store.transition(waiting, DocumentState.ACCEPTED, DocumentState.SYNCED, "written", Change.none());
        clock.advance(Duration.ofSeconds(6)); // the figures are read from the store at most every 5 s

        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(registry.get("bridge.outbox.oldest.pending").gauge().value()).isZero();
    }
}
