package org.annulus.bridge.sync;

import java.time.Duration;
import java.util.List;
import org.annulus.bridge.outbox.Dispatch;
import org.annulus.bridge.outbox.OutboxProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The steps of the dispatch route's poll (camel-routes/outbox-dispatch.yaml): hand due documents to
 * free workers, and hear when a worker is done with one. A poll waits (at most
 * {@code bridge.outbox.poll-interval}) for a worker to be free and to finish something, then asks the
 * outbox for as many due documents as there are free workers (at most {@code bridge.outbox.batch-size}),
 * leaving out those already in hand. Nothing is claimed here: each worker claims its document when it
 * starts on it.
 */
@Component("outboxPoll")
public class OutboxPoll {

    private final Dispatch dispatch;
    private final DocumentsInHand inHand;
    private final OutboxProperties properties;
    private final Duration interval;

    OutboxPoll(
            Dispatch dispatch,
            DocumentsInHand inHand,
            OutboxProperties properties,
            @Value("${bridge.outbox.poll-interval:500}") long intervalMillis) {
        this.dispatch = dispatch;
        this.inHand = inHand;
        this.properties = properties;
        this.interval = Duration.ofMillis(intervalMillis);
    }

    /** Due documents for the workers free now, handed to them (in hand until {@link #finished}). */
    public List<String> nextDocuments() throws InterruptedException {
        DocumentsInHand.Turn turn = inHand.awaitTurn(interval);
        if (turn.freeWorkers() == 0) {
            return List.of();
        }
        List<String> due = dispatch.dueDocuments(Math.min(turn.freeWorkers(), properties.batchSize()), turn.inHand());
        inHand.take(due);
        return due;
    }

    /** A worker is done with the document, however its work ended. */
    public void finished(@ExchangeProperty(DocumentSync.TRACKING_ID) String trackingId) {
        inHand.finished(trackingId);
    }
}
