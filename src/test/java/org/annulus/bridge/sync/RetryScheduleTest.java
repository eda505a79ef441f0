package org.annulus.bridge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.annulus.bridge.TestClock;
import org.junit.jupiter.api.Test;

/**
 * The retry policy, with a seeded random and a clock the test moves: capped exponential backoff with
 * full jitter, the EHR's Retry-After within the cap, and DEAD only once the next try would fall after
 * the window since the first failure — however many attempts that took.
 */
class RetryScheduleTest {

    static final RetrySchedule DEFAULTS =
            new RetrySchedule(Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofHours(24));

    final TestClock clock = new TestClock(Instant.parse("2026-03-02T10:00:00Z"));
    final Random random = new Random(13);

    @Test
    void theCapDoublesPerFailedSendUpToTheMaximum() {
        assertThat(DEFAULTS.cap(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(DEFAULTS.cap(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(DEFAULTS.cap(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(DEFAULTS.cap(10)).isEqualTo(Duration.ofMinutes(10));
        assertThat(DEFAULTS.cap(Integer.MAX_VALUE)).as("no overflow").isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theDelayIsSpreadOverTheWholeRangeFromZeroToTheCap() {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            millis.add(DEFAULTS.delay(4, null, random).toMillis());
        }

        assertThat(millis).allSatisfy(m -> assertThat(m).isBetween(0L, 16_000L));
        assertThat(millis.stream().mapToLong(Long::longValue).min().orElseThrow())
                .isLessThan(1_000L);
        assertThat(millis.stream().mapToLong(Long::longValue).max().orElseThrow())
                .isGreaterThan(15_000L);
        assertThat(millis.stream().mapToLong(Long::longValue).average().orElseThrow())
                .isBetween(7_000.0, 9_000.0);
    }

    @Test
    void theEhrsRetryAfterIsHonouredWithinTheCap() {
        assertThat(DEFAULTS.delay(1, Duration.ofSeconds(90), random)).isEqualTo(Duration.ofSeconds(90));
        assertThat(DEFAULTS.delay(1, Duration.ofDays(365), random)).isEqualTo(Duration.ofMinutes(10));
        assertThat(DEFAULTS.delay(7, Duration.ZERO, random)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aSixHourOutageKeepsTheDocumentRetryingAndTheWindowEndsItAfterRetryFor() {
        Instant firstFailure = clock.instant();
        int failures = 0;
        Optional<Instant> next = Optional.of(firstFailure);
        // Down for 6 h: every try fails, each next one is scheduled; none gives up.
        while (next.isPresent() && next.get().isBefore(firstFailure.plus(Duration.ofHours(6)))) {
            clock.advance(Duration.between(clock.instant(), next.get()));
            failures++;
            next = DEFAULTS.next(firstFailure, clock.instant(), DEFAULTS.delay(failures, null, random));
            assertThat(next).as("failure %d at %s", failures, clock.instant()).isPresent();
        }
        assertThat(failures).as("far more than the old budget of 8").isGreaterThan(30);

        // Still down: the window closes between 24 h - backoff-max and 24 h after the first failure.
        while (next.isPresent()) {
            clock.advance(Duration.between(clock.instant(), next.get()));
            failures++;
            next = DEFAULTS.next(firstFailure, clock.instant(), DEFAULTS.delay(failures, null, random));
        }
        assertThat(clock.instant())
                .isBetween(
                        firstFailure.plus(Duration.ofHours(24)).minus(Duration.ofMinutes(10)),
                        firstFailure.plus(Duration.ofHours(24)));
    }

    @Test
    void aTryAtTheEndOfTheWindowIsStillMadeOneAfterItIsNot() {
        Instant firstFailure = clock.instant();
        Instant now = firstFailure.plus(Duration.ofHours(23).plusMinutes(59));

        assertThat(DEFAULTS.next(firstFailure, now, Duration.ofMinutes(1))).contains(DEFAULTS.giveUpAt(firstFailure));
        assertThat(DEFAULTS.next(firstFailure, now, Duration.ofMinutes(1).plusMillis(1)))
                .isEmpty();
    }
}
