package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;

/** What else changes with a transition besides the state. */
public record Change(
        boolean countsAsAttempt,
        OffsetDateTime nextAttemptAt,
        String mappedBundle,
        String outcome,
        boolean keepLease,
        boolean resetAttempts) {

    public static Change none() {
        return new Change(false, null, null, null, false, false);
    }

    /** MAPPED: the bundle is kept, and so is the lease (the send follows in the same pass). */
    public static Change mapped(String bundle) {
        return new Change(false, null, bundle, null, true, false);
    }

    /** SENDING: one more attempt, under the same lease. */
    public static Change attempt() {
        return new Change(true, null, null, null, true, false);
    }

    public static Change retryAt(OffsetDateTime at, String outcome) {
        return new Change(false, at, null, outcome, false, false);
    }

    public static Change withOutcome(String outcome) {
        return new Change(false, null, null, outcome, false, false);
    }

    /** An operator's replay: a fresh set of attempts. */
    static Change replay() {
        return new Change(false, null, null, null, false, true);
    }
}
