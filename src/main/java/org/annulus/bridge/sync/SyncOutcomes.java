package org.annulus.bridge.sync;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.annulus.bridge.ehr.EhrWriteResult;
import org.annulus.bridge.outbox.Change;
import org.annulus.bridge.outbox.Dispatch;
import org.annulus.bridge.outbox.DocumentState;
import org.annulus.bridge.outbox.Lease;
import org.annulus.bridge.outbox.OutboxProperties;
import org.annulus.bridge.outbox.StoredDocument;
import org.apache.camel.ExchangeException;
import org.apache.camel.ExchangeProperty;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where each failure of the {@code sync-document} route leads: called from its {@code onException}
 * clauses, each method records the state in the outbox (REJECTED, AWAITING_PATIENT_MATCH,
 * RETRY_SCHEDULED, DEAD). The store's {@code from} and lease-token checks make a late write of a stale
 * worker (or of one whose lease was taken over) a no-op.
 */
@Component("syncOutcomes")
public class SyncOutcomes {

    private static final Logger log = LoggerFactory.getLogger(SyncOutcomes.class);

    private final Dispatch dispatch;
    private final DocumentSync sync;
    private final FhirContext fhir;
    private final OutboxProperties properties;

    SyncOutcomes(Dispatch dispatch, DocumentSync sync, FhirContext fhir, OutboxProperties properties) {
        this.dispatch = dispatch;
        this.sync = sync;
        this.fhir = fhir;
        this.properties = properties;
    }

    /** Mapping or validation failed: REJECTED, with the reason as an OperationOutcome. */
    public void rejected(@ExchangeException SyncFailure failure, @ExchangeProperty(DocumentSync.LEASE) Lease lease) {
        String outcome = failure instanceof SyncFailure.ValidationFailed v ? v.outcome : outcome(failure.getMessage());
        sync.transition(
                lease, current(lease), DocumentState.REJECTED, failure.getMessage(), Change.withOutcome(outcome));
    }

    /** No single EHR patient carries the MRN: an operator chooses (AWAITING_PATIENT_MATCH). */
    public void awaitPatientMatch(
            @ExchangeException SyncFailure failure, @ExchangeProperty(DocumentSync.LEASE) Lease lease) {
        sync.transition(
                lease, current(lease), DocumentState.AWAITING_PATIENT_MATCH, failure.getMessage(), Change.none());
    }

    /** A retryable EHR answer or an open breaker: RETRY_SCHEDULED with backoff, DEAD once attempts run out. */
    public void retryOrGiveUp(
            @ExchangeException SyncFailure failure, @ExchangeProperty(DocumentSync.LEASE) Lease lease) {
        EhrWriteResult.Failed f =
                failure instanceof SyncFailure.CircuitOpen c ? c.failure : ((SyncFailure.EhrRetryable) failure).failure;
        StoredDocument doc = current(lease);
        int attempt = doc.attempts();
        if (attempt >= properties.maxAttempts()) {
            dead(lease, doc, f, f.reason() + "; gave up after " + attempt + " attempts");
            return;
        }
        // Retry-After is honoured, within our own cap: a server asking for a year is not taken literally.
        Duration delay = f.retryAfter() != null
                ? (f.retryAfter().compareTo(properties.backoffMax()) > 0 ? properties.backoffMax() : f.retryAfter())
                : backoff(attempt);
        sync.transition(
                lease,
                doc,
                DocumentState.RETRY_SCHEDULED,
                f.reason() + "; retry in " + delay.toSeconds() + "s",
                Change.retryAt(dispatch.now().plus(delay), f.outcome()));
    }

    /** The EHR refused the write: DEAD (an operator may replay it after a fix). */
    public void refused(
            @ExchangeException SyncFailure.EhrRefused failure, @ExchangeProperty(DocumentSync.LEASE) Lease lease) {
        dead(lease, current(lease), failure.failure, failure.failure.reason() + "; not retryable");
    }

    /** Anything unforeseen: logged by class only; the lease runs out and a later pass tries again. */
    public void unexpected(@ExchangeException Exception e, @ExchangeProperty(DocumentSync.TRACKING_ID) String id) {
        log.error("dispatch of {} failed unexpectedly: {}", id, e.getClass().getName());
    }

    private void dead(Lease lease, StoredDocument doc, EhrWriteResult.Failed f, String reason) {
        sync.transition(
                lease,
                doc,
                DocumentState.DEAD,
                reason,
                Change.withOutcome(f.outcome() != null ? f.outcome() : outcome(f.reason())));
    }

    private StoredDocument current(Lease lease) {
        return dispatch.find(lease.trackingId()).orElseThrow();
    }

    /** Exponential backoff with full jitter: spreads retries of many documents after an outage. */
    Duration backoff(int attempt) {
        long capMillis = Math.min(
                properties.backoffMax().toMillis(), properties.backoffBase().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current()
                .nextLong(
                        properties.backoffBase().toMillis(),
                        Math.max(properties.backoffBase().toMillis() + 1, capMillis + 1)));
    }

    private String outcome(String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.PROCESSING)
                .setDiagnostics(diagnostics);
        return fhir.newJsonParser().encodeResourceToString(outcome);
    }
}
