package org.annulus.bridge.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 9110 §10.2.3 {@code Retry-After}: delay-seconds or an HTTP-date in any of its three forms (§5.6.7). */
class RetryAfterTest {

    static final Instant NOW = Instant.parse("1994-11-06T08:48:37Z");

    @Test
    void delaySecondsAreTakenAsTheyAre() {
        assertThat(RetryAfter.parse(" 7 ", NOW)).contains(Duration.ofSeconds(7));
    }

    @Test
    void imfFixdateIsTheTimeUntilThen() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).contains(Duration.ofSeconds(60));
    }

    @Test
    void obsoleteRfc850DateIsAcceptedToo() {
        assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).contains(Duration.ofSeconds(60));
    }

    @Test
    void obsoleteAsctimeDateIsAcceptedToo() {
        assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", NOW)).contains(Duration.ofSeconds(60));
    }

    @Test
    void aDateAlreadyPastMeansNow() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void anythingElseIsNoHint() {
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
    }
}
