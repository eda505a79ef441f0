package org.annulus.bridge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The poll hands out no more documents than there are free workers, and runs again when one finishes. */
class DocumentsInHandTest {

    static final Duration LONG = Duration.ofMinutes(5);

    @Test
    void theFirstTurnHandsOutOneDocumentPerWorkerAtOnce() throws InterruptedException {
        DocumentsInHand hand = new DocumentsInHand(3);

        assertThat(hand.awaitTurn(LONG)).isEqualTo(new DocumentsInHand.Turn(3, java.util.Set.of()));
    }

    @Test
    void documentsInHandAreNotHandedOutAgainAndTakeTheirWorkers() throws InterruptedException {
        DocumentsInHand hand = new DocumentsInHand(3);
        hand.awaitTurn(LONG);
        hand.take(List.of("a", "b"));
        hand.finished("b");

        DocumentsInHand.Turn turn = hand.awaitTurn(LONG);

        assertThat(turn.freeWorkers()).isEqualTo(2);
        assertThat(turn.inHand()).containsExactly("a");
    }

    @Test
    void withEveryWorkerBusyATurnWaitsForOneToFinish() throws Exception {
        DocumentsInHand hand = new DocumentsInHand(2);
        hand.awaitTurn(LONG);
        hand.take(List.of("a", "b"));

        CompletableFuture<DocumentsInHand.Turn> next = nextTurn(hand);
        assertThat(next).isNotDone();
        hand.finished("a");

        // long before LONG: the finished worker woke the turn
        assertThat(next.get(1, TimeUnit.MINUTES)).isEqualTo(new DocumentsInHand.Turn(1, java.util.Set.of("b")));
    }

    @Test
    void withoutAFinishedWorkerATurnComesOnlyAfterTheIntervalAndWithEveryWorkerBusyHandsOutNothing()
            throws InterruptedException {
        DocumentsInHand hand = new DocumentsInHand(1);
        hand.awaitTurn(LONG);
        hand.take(List.of("a"));

        assertThat(hand.awaitTurn(Duration.ofMillis(20)).freeWorkers()).isZero();
    }

    @Test
    void aPollThatFoundLessThanItCouldTakeWaitsForTheIntervalNotPollingBackToBack() throws Exception {
        DocumentsInHand hand = new DocumentsInHand(4);
        hand.awaitTurn(LONG);
        hand.take(List.of("a"));

        CompletableFuture<DocumentsInHand.Turn> next = nextTurn(hand);

        // three workers are free, but nothing finished: no new poll until a worker finishes (or the interval)
        assertThat(next).isNotDone();
        hand.finished("a");
        assertThat(next.get(1, TimeUnit.MINUTES).freeWorkers()).isEqualTo(4);
    }

    /** The poll's next turn, awaited on another thread. */
    private static CompletableFuture<DocumentsInHand.Turn> nextTurn(DocumentsInHand hand) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return hand.awaitTurn(LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
