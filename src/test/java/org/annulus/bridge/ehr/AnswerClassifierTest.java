package org.annulus.bridge.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.exceptions.NonFhirResponseException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.io.StringReader;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.annulus.bridge.ehr.AnswerClassifier.Health;
import org.annulus.bridge.ehr.AnswerClassifier.Verdict;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What an answer, or its absence, means for the document (retry or park), for the circuit breaker and
 * for the response counter; from the exception alone, without HTTP. (A failed SMART token is covered by
 * EhrWriterFaultsTest: SmartException is made only inside the smart module.)
 */
class AnswerClassifierTest {

    static final Instant NOW = Instant.parse("2026-03-20T14:00:00Z");

    final AnswerClassifier answers = new AnswerClassifier(FhirContext.forR4Cached());

    @ParameterizedTest(name = "HTTP {0}: retryable {1}, EHR {2}")
    @CsvSource({
        "400, false, UP",
        "404, false, UP",
        "408, true, UP",
        "409, true, UP",
        "412, false, UP",
        "422, false, UP",
        "429, true, FAILING",
        "500, true, FAILING",
        "503, true, FAILING"
    })
    void anHttpErrorIsRetryableOnlyWhenAResendCanSucceedAndOnlyTheEhrsOwnFailuresCountAgainstIt(
            int status, boolean retryable, Health health) {
        Verdict verdict = answers.of(BaseServerResponseException.newInstance(status, "no"), "http://ehr", null, NOW);

        assertThat(verdict.result()).isInstanceOfSatisfying(EhrWriteResult.Failed.class, failed -> {
            assertThat(failed.retryable()).isEqualTo(retryable);
            assertThat(failed.httpStatus()).isEqualTo(status);
            assertThat(failed.reason()).isEqualTo("EHR answered HTTP " + status);
        });
        assertThat(verdict.health()).isEqualTo(health);
        assertThat(verdict.counted()).isEqualTo(String.valueOf(status));
    }

    @Test
    void theServersOperationOutcomeIsKeptForTheParkedDocument() {
        OperationOutcome outcome = FakeEhr.outcome(OperationOutcome.IssueType.DUPLICATE, "Multiple resources match");

        Verdict verdict = answers.of(new PreconditionFailedException("412", outcome), "http://ehr", null, NOW);

        assertThat(verdict.result())
                .isInstanceOfSatisfying(EhrWriteResult.Failed.class, failed -> assertThat(failed.outcome())
                        .contains("\"resourceType\":\"OperationOutcome\"")
                        .contains("Multiple resources match"));
    }

    @Test
    void retryAfterInSecondsOrAsADateSaysWhenToRetry() {
        String inTwoMinutes =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(120).atOffset(ZoneOffset.UTC));

        assertThat(retryAfter(answers.of(BaseServerResponseException.newInstance(429, "slow"), "http://ehr", "7", NOW)))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(retryAfter(answers.of(
                        BaseServerResponseException.newInstance(503, "down"), "http://ehr", inTwoMinutes, NOW)))
                .isEqualTo(Duration.ofSeconds(120));
        assertThat(retryAfter(
                        answers.of(BaseServerResponseException.newInstance(503, "down"), "http://ehr", "soon", NOW)))
                .as("unreadable: left to the backoff")
                .isNull();
        assertThat(retryAfter(
                        answers.of(BaseServerResponseException.newInstance(503, "down"), "http://ehr", null, NOW)))
                .isNull();
    }

    @Test
    void aRetryAfterTheExceptionCarriesWinsOverTheRememberedOne() {
        BaseServerResponseException e = BaseServerResponseException.newInstance(429, "slow");
        e.addResponseHeader("Retry-After", "3");

        assertThat(retryAfter(answers.of(e, "http://ehr", "60", NOW))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void noAnswerAtAllIsARetryableNotReachable() {
        Verdict verdict = answers.of(
                new FhirClientConnectionException("timed out", new SocketTimeoutException("Read timed out")),
                "http://ehr",
                null,
                NOW);

        assertThat(verdict.result()).isInstanceOfSatisfying(EhrWriteResult.Failed.class, failed -> {
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.httpStatus()).isNull();
            assertThat(failed.reason()).isEqualTo("EHR not reachable (connection failed or timed out)");
        });
        assertThat(verdict.health()).isEqualTo(Health.FAILING);
        assertThat(verdict.counted()).isEqualTo("connection-error");
    }

    @Test
    void anAnswerThatIsNoFhirIsARetryableUnusableResponse() {
        assertUnusable(
                answers.of(
                        new FhirClientConnectionException(new DataFormatException("unexpected end")),
                        "http://ehr",
                        null,
                        NOW),
                "unparseable FHIR content");
        assertUnusable(
                answers.of(
                        NonFhirResponseException.newInstance(200, "text/html", new StringReader("<html/>")),
                        "http://ehr",
                        null,
                        NOW),
                "HTTP 200 without FHIR content");
        assertUnusable(
                answers.of(
                        new IllegalStateException("transaction response has 2 entries for 3 sent"),
                        "http://ehr",
                        null,
                        NOW),
                "IllegalStateException");
    }

    @Test
    void aWriteOrANoMatchIsAnAnswerOfAWorkingEhr() {
        Verdict written = answers.of(new EhrWriteResult.Written("p1", List.of(), List.of(), List.of()));
        Verdict noMatch = answers.of(new EhrWriteResult.NoPatientMatch("no EHR patient has this MRN", List.of()));

        assertThat(written.health()).isEqualTo(Health.UP);
        assertThat(written.counted()).isEqualTo("200");
        assertThat(noMatch.health()).isEqualTo(Health.UP);
        assertThat(noMatch.counted()).isNull();
    }

    private static Duration retryAfter(Verdict verdict) {
        return ((EhrWriteResult.Failed) verdict.result()).retryAfter();
    }

    private static void assertUnusable(Verdict verdict, String what) {
        assertThat(verdict.result()).isInstanceOfSatisfying(EhrWriteResult.Failed.class, failed -> {
            assertThat(failed.retryable())
                    .as("a resend is safe: every write is conditional")
                    .isTrue();
            assertThat(failed.httpStatus()).isNull();
            assertThat(failed.reason()).isEqualTo("EHR response unusable: " + what);
        });
        assertThat(verdict.health()).isEqualTo(Health.FAILING);
        assertThat(verdict.counted()).isEqualTo("unusable-response");
    }
}
