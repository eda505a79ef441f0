package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the store keeps for the retry decision (V13), on H2 and PostgreSQL: the retry window starts at
 * the first retryable failure (or the open breaker's first refusal) and is kept by later ones, an open
 * breaker takes back the attempt its send counted, the EHR's answer or a replay clears it; failures before sending
 * are counted and a replay forgets them.
 */
class RetryWindowTest {

    static final StoreDatabases DB = StoreDatabases.named("retrywindow");

    static Stream<DataSource> databases() {
        return DB.both();
    }

    @AfterAll
    static void drop() {
        DB.drop();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theWindowRunsFromTheFirstFailureAndEndsWhenTheEhrAnswers(DataSource db) {
        ClockedStore s = ClockedStore.fresh(DB, db);
        TestClock clock = s.clock();
        DocumentStore store = s.store();
        String id = s.accepted("CA-window");
        OffsetDateTime first = store.now();

        store.transition(id, DocumentState.ACCEPTED, DocumentState.SENDING, "send", Change.attempt());
        store.transition(
                id, DocumentState.SENDING, DocumentState.RETRY_SCHEDULED, "503", Change.retryAt(first, null, first));
        clock.advance(Duration.ofHours(3));
        store.transition(id, DocumentState.RETRY_SCHEDULED, DocumentState.SENDING, "send", Change.attempt());
        store.transition(
                id,
                DocumentState.SENDING,
                DocumentState.RETRY_SCHEDULED,
                "503",
                Change.retryAt(store.now(), null, store.now()));

        StoredDocument failing = store.find(id).orElseThrow();
        assertThat(failing.failingSince().toInstant()).as("the first failure").isEqualTo(first.toInstant());
        assertThat(failing.attempts()).isEqualTo(2);

        store.transition(id, DocumentState.RETRY_SCHEDULED, DocumentState.SENDING, "send", Change.attempt());
        store.transition(
                id,
                DocumentState.SENDING,
                DocumentState.RETRY_SCHEDULED,
                "breaker open",
                Change.heldByBreaker(store.now().plusSeconds(30), null, store.now()));
        StoredDocument held = store.find(id).orElseThrow();
        assertThat(held.attempts()).as("the EHR was not called").isEqualTo(2);
        assertThat(held.failingSince().toInstant()).isEqualTo(first.toInstant());

        store.transition(id, DocumentState.RETRY_SCHEDULED, DocumentState.SENDING, "send", Change.attempt());
        store.transition(id, DocumentState.SENDING, DocumentState.SYNCED, "written", Change.none());
        assertThat(store.find(id).orElseThrow().failingSince()).isNull();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anOpenBreakerCountsNoAttemptAndFailuresBeforeSendingAreCountedUntilAReplay(DataSource db) {
        ClockedStore s = ClockedStore.fresh(DB, db);
        TestClock clock = s.clock();
        DocumentStore store = s.store();
        String id = s.accepted("CA-window");

        store.transition(id, DocumentState.ACCEPTED, DocumentState.MAPPED, "mapped", Change.mapped("{}"));
        store.transition(id, DocumentState.MAPPED, DocumentState.MAPPED, "failed", Change.failedBeforeSending());
        store.transition(id, DocumentState.MAPPED, DocumentState.MAPPED, "failed", Change.failedBeforeSending());
        store.transition(id, DocumentState.MAPPED, DocumentState.SENDING, "send", Change.attempt());
        store.transition(
                id,
                DocumentState.SENDING,
                DocumentState.RETRY_SCHEDULED,
                "breaker open",
                Change.heldByBreaker(store.now().plusSeconds(30), null, store.now()));

        StoredDocument held = store.find(id).orElseThrow();
        assertThat(held.failingSince().toInstant()).isEqualTo(clock.instant());
        assertThat(held.attempts()).isZero();
        assertThat(held.failuresBeforeSend()).isEqualTo(2);
        assertThat(held.mappedBundle()).isEqualTo("{}");

        store.transition(id, DocumentState.RETRY_SCHEDULED, DocumentState.SENDING, "send", Change.attempt());
        store.transition(id, DocumentState.SENDING, DocumentState.DEAD, "gave up", Change.none());
        store.transition(id, DocumentState.DEAD, DocumentState.MAPPED, "replayed", Change.replay());

        StoredDocument replayed = store.find(id).orElseThrow();
        assertThat(replayed.failingSince()).isNull();
        assertThat(replayed.attempts()).isZero();
        assertThat(replayed.failuresBeforeSend()).isZero();
    }
}
