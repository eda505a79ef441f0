package org.annulus.bridge.outbox;

/**
 * An outbox that keeps nothing: every document handed to it is "accepted" at once. Lets the JMH contract
 * benchmark run the real {@code DocumentIntake} check without a database, so it measures the check alone.
 */
public final class DiscardingOutbox extends Outbox {

    public DiscardingOutbox() {
        super(null, null, null);
    }

    @Override
    public AcceptResult accept(NewDocument doc) {
        return new AcceptResult.Accepted("discarded");
    }
}
