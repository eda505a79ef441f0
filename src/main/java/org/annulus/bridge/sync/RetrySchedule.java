package org.annulus.bridge.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.annulus.bridge.outbox.OutboxProperties;

/**
 * When a document that failed retryably is tried again, and when it is given up: capped exponential
 * backoff with full jitter, for a window of time rather than a number of attempts. resilience4j's
 * {@code IntervalFunction} (on the classpath with the breaker) randomises around the delay instead
 * of over [0, cap], so many documents failed by one outage would come back bunched: hence this.
 *
 * @param base     the cap of the first retry's delay; doubled per failed send
 * @param max      the cap of every delay, and of the EHR's Retry-After
 * @param retryFor how long after the first failure the document is still retried
 */
record RetrySchedule(Duration base, Duration max, Duration retryFor) {

    static RetrySchedule of(OutboxProperties properties) {
        return new RetrySchedule(properties.backoffBase(), properties.backoffMax(), properties.retryFor());
    }

    /** The upper bound of the delay after {@code failures} failed sends (1 for the first): min(max, base * 2^(failures - 1)). */
    Duration cap(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 40);
        long millis = base.toMillis();
        // doubling until the cap, so large counts cannot overflow
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    /**
     * The delay before the next send: the EHR's Retry-After within our cap when it gave one (a
     * server asking for a day is not taken literally), else uniformly random in [0, cap] (full jitter).
     */
    Duration delay(int failures, Duration retryAfter, RandomGenerator random) {
        if (retryAfter != null) {
            return retryAfter.compareTo(max) > 0 ? max : retryAfter;
        }
        return Duration.ofMillis(random.nextLong(cap(failures).toMillis() + 1));
    }

    /**
     * The time of the next send, {@code delay} after {@code now}; empty when that falls after the
     * window that opened with the first failure: the document is DEAD.
     */
    Optional<Instant> next(Instant failingSince, Instant now, Duration delay) {
        Instant at = now.plus(delay);
        return at.isAfter(giveUpAt(failingSince)) ? Optional.empty() : Optional.of(at);
    }

    /** The end of the retry window. */
    Instant giveUpAt(Instant failingSince) {
        return failingSince.plus(retryFor);
    }
}
