package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.annulus.bridge.smart.SmartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the EHR's answer to a send means, or the lack of one: the result the outbox acts on (written,
 * no patient match, failed and retryable or not, when to retry), what it says about the EHR's health
 * (the circuit breaker's outcome), and the label it is counted under. No HTTP here: only the answer.
 */
final class AnswerClassifier {

    private static final Logger log = LoggerFactory.getLogger(AnswerClassifier.class);

    /** What the answer tells the circuit breaker. */
    enum Health {
        /** The EHR answered as a working EHR does, if only to refuse the request. */
        UP,
        /** A failure of the EHR's: 5xx, 429, no answer, an unusable answer. */
        FAILING,
        /** The EHR was not asked (no token), or our own database failed: nothing either way. */
        NOT_ASKED
    }

    /**
     * @param counted the {@code status} label of {@code bridge.ehr.responses} (a small fixed set), or
     *     null when not counted
     */
    record Verdict(EhrWriteResult result, Health health, String counted) {}

    private final FhirContext fhir;

    AnswerClassifier(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The send ended with a result of its own: written, or no patient to write to. */
    Verdict of(EhrWriteResult result) {
        return new Verdict(result, Health.UP, result instanceof EhrWriteResult.Written ? "200" : null);
    }

    /**
     * A send that threw. {@code lastRetryAfter}: the Retry-After header of the EHR's last answer (or
     * null), as HAPI's exceptions keep no headers (should a later version, those win); {@code now} for a
     * Retry-After that is a date.
     */
    Verdict of(RuntimeException e, String ehrBaseUrl, String lastRetryAfter, Instant now) {
        if (e instanceof SmartException) {
            // No token, no write: the message says what hospital IT should check (never a secret).
            log.warn("EHR write not attempted: {}", e.getMessage());
            return new Verdict(
                    new EhrWriteResult.Failed(true, null, "SMART authorization failed: " + e.getMessage(), null, null),
                    Health.NOT_ASKED,
                    "authorization-failed");
        }
        if (e instanceof LedgerWriter.OutcomeNotSettled unsettled) {
            // Nothing was sent: the EHR is fine, an earlier write is still to be found or ruled out.
            return new Verdict(
                    new EhrWriteResult.Failed(true, null, unsettled.getMessage(), null, unsettled.retryAfter()),
                    Health.NOT_ASKED,
                    "outcome-pending");
        }
        if (e instanceof FhirClientConnectionException) {
            // A subclass of BaseServerResponseException: no usable HTTP answer at all, so checked first.
            if (causedBy(e, DataFormatException.class)) {
                return unusable("unparseable FHIR content");
            }
            log.warn("EHR not reachable at {}", ehrBaseUrl);
            return new Verdict(
                    new EhrWriteResult.Failed(
                            true, null, "EHR not reachable (connection failed or timed out)", null, null),
                    Health.FAILING,
                    "connection-error");
        }
        if (e instanceof BaseServerResponseException answered) {
            return answered(answered, lastRetryAfter, now);
        }
        if (e instanceof org.springframework.dao.DataAccessException
                || e instanceof org.springframework.transaction.TransactionException) {
            // Our database failed (the ledger), not the EHR: no request goes out without its intent
            // committed, so the send is retried once the store is back, and the breaker is left alone.
            log.warn(
                    "EHR send stopped: the bridge's database is unavailable ({})",
                    e.getClass().getSimpleName());
            return new Verdict(
                    new EhrWriteResult.Failed(
                            true, null, "the bridge's database was unavailable during the send", null, null),
                    Health.NOT_ASKED,
                    "store-unavailable");
        }
        // Malformed or partial responses: the send may or may not have landed; a resend is safe.
        return unusable(e.getClass().getSimpleName());
    }

    /** The EHR answered with an HTTP status HAPI treats as an error. */
    private Verdict answered(BaseServerResponseException e, String lastRetryAfter, Instant now) {
        int status = e.getStatusCode();
        if (status < 300) {
            // NonFhirResponseException: a 2xx whose body is not FHIR (a proxy's HTML page, say).
            return unusable("HTTP " + status + " without FHIR content");
        }
        log.warn("EHR answered HTTP {} to a write", status);
        EhrWriteResult.Failed failed = new EhrWriteResult.Failed(
                isRetryable(status),
                status,
                "EHR answered HTTP " + status,
                e.getOperationOutcome() == null
                        ? null
                        : fhir.newJsonParser().encodeResourceToString(e.getOperationOutcome()),
                retryAfter(e, lastRetryAfter, now).orElse(null));
        // A 4xx other than 429: the EHR is up and answering; the request was the problem.
        return new Verdict(failed, status == 429 || status >= 500 ? Health.FAILING : Health.UP, String.valueOf(status));
    }

    private static Verdict unusable(String what) {
        log.warn("EHR response unusable: {}", what);
        return new Verdict(
                new EhrWriteResult.Failed(true, null, "EHR response unusable: " + what, null, null),
                Health.FAILING,
                "unusable-response");
    }

    /**
     * 412 is not retried: our conditional writes fail it only when several EHR resources carry one
     * business identifier, which a retry cannot mend.
     */
    static boolean isRetryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    private static Optional<Duration> retryAfter(BaseServerResponseException e, String lastRetryAfter, Instant now) {
        Optional<String> header = e.getResponseHeaders() == null
                ? Optional.empty()
                : e.getResponseHeaders().entrySet().stream()
                        .filter(h -> "retry-after".equalsIgnoreCase(h.getKey()))
                        .flatMap(h -> h.getValue().stream())
                        .findFirst();
        return header.or(() -> Optional.ofNullable(lastRetryAfter)).flatMap(v -> RetryAfter.parse(v, now));
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
