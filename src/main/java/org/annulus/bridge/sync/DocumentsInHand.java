package org.annulus.bridge.sync;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.annulus.bridge.outbox.OutboxProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The documents this instance's workers have in hand: handed out by the poll, waiting for a worker or
 * being worked. The poll hands out only as many as there are free workers, so none waits long in
 * memory unclaimed (the database stays the memory: a crash loses nothing, they are simply due again),
 * and a worker that finishes lets the poll run at once instead of at the next interval: one slow
 * document no longer holds back the batch it came in.
 */
@Component
class DocumentsInHand {

    /** What the poll may hand out now: how many, and which documents not to hand out again. */
    record Turn(int freeWorkers, Set<String> inHand) {}

    private final int workers;
    private final Set<String> inHand = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean finishedSinceLastTurn = true;

    @Autowired
    DocumentsInHand(OutboxProperties properties) {
        this(properties.workers());
    }

    DocumentsInHand(int workers) {
        this.workers = workers;
    }

    /**
     * Waits until a poll is worth it: a worker is free and one finished since the last turn (or this is
     * the first), or {@code atMost} has passed (new documents may have arrived). A turn with no free
     * worker hands out nothing.
     */
    Turn awaitTurn(Duration atMost) throws InterruptedException {
        long left = atMost.toNanos();
        lock.lock();
        try {
            while (!(finishedSinceLastTurn && inHand.size() < workers) && left > 0) {
                left = changed.awaitNanos(left);
            }
            finishedSinceLastTurn = false;
            return new Turn(Math.max(0, workers - inHand.size()), Set.copyOf(inHand));
        } finally {
            lock.unlock();
        }
    }

    void take(Collection<String> trackingIds) {
        lock.lock();
        try {
            inHand.addAll(trackingIds);
        } finally {
            lock.unlock();
        }
    }

    /** The worker is done with the document, however its work ended (or it was never claimed). */
    void finished(String trackingId) {
        lock.lock();
        try {
            inHand.remove(trackingId);
            finishedSinceLastTurn = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
