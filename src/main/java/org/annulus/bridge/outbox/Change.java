package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;

/**
 * What else changes with a transition besides the state.
 *
 * @param attemptDelta     added to the attempts: 1 for a send, -1 when the send turned out not to
 *                         have called the EHR (the circuit breaker was open)
 * @param failingSince     the time of a retryable failure: kept as the document's failing-since unless
 *                         an earlier one is recorded (the retry window runs from the first)
 * @param failedBeforeSend one more failure before the document could be sent
 */
public record Change(
        int attemptDelta,
        OffsetDateTime nextAttemptAt,
        String mappedBundle,
        String outcome,
        boolean keepLease,
        boolean resetAttempts,
        OffsetDateTime failingSince,
        boolean failedBeforeSend) {

    public static Change none() {
        return new Change(0, null, null, null, false, false, null, false);
    }

    /** MAPPED: the bundle is kept, and so is the lease (the send follows in the same pass). */
    public static Change mapped(String bundle) {
        return new Change(0, null, bundle, null, true, false, null, false);
    }

    /** SENDING: one more attempt, under the same lease. */
    public static Change attempt() {
        return new Change(1, null, null, null, true, false, null, false);
    }

    /** RETRY_SCHEDULED after a retryable EHR failure at {@code failedAt}. */
    public static Change retryAt(OffsetDateTime at, String outcome, OffsetDateTime failedAt) {
        return new Change(0, at, null, outcome, false, false, failedAt, false);
    }

    /**
     * RETRY_SCHEDULED while the circuit breaker is open: the EHR was not called, so the attempt the
     * send counted is taken back; the retry window runs from {@code heldAt} if none runs yet.
     */
    public static Change heldByBreaker(OffsetDateTime at, String outcome, OffsetDateTime heldAt) {
        return new Change(-1, at, null, outcome, false, false, heldAt, false);
    }

    /** The same state, one more failure before sending counted; the lease is released for a later poll. */
    public static Change failedBeforeSending() {
        return new Change(0, null, null, null, false, false, null, true);
    }

    public static Change withOutcome(String outcome) {
        return new Change(0, null, null, outcome, false, false, null, false);
    }

    /** An operator's replay: a fresh set of attempts, a fresh retry window, no failures counted. */
    static Change replay() {
        return new Change(0, null, null, null, false, true, null, false);
    }
}
