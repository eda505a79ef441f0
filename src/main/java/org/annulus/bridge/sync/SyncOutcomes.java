package org.annulus.bridge.sync;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
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
    private final RetrySchedule schedule;

    SyncOutcomes(Dispatch dispatch, DocumentSync sync, FhirContext fhir, OutboxProperties properties) {
        this.dispatch = dispatch;
        this.sync = sync;
        this.fhir = fhir;
        this.properties = properties;
        this.schedule = RetrySchedule.of(properties);
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

    /**
     * A retryable EHR answer: RETRY_SCHEDULED at the backoff (or the EHR's Retry-After, capped), DEAD
     * once that would fall after {@code bridge.outbox.retry-for} since the first failure. An open
     * breaker: the EHR was not called, so no attempt is counted and the backoff does not grow; the
     * document waits until the breaker lets a probe through. Its window runs all the same (it could not
     * be delivered since then), so every document of an outage is given up the same time after its first try.
     */
    public void retryOrGiveUp(
            @ExchangeException SyncFailure failure, @ExchangeProperty(DocumentSync.LEASE) Lease lease) {
        StoredDocument doc = current(lease);
        OffsetDateTime now = dispatch.now();
        if (failure instanceof SyncFailure.CircuitOpen open) {
            heldByBreaker(lease, doc, open.failure, now);
            return;
        }
        EhrWriteResult.Failed f = ((SyncFailure.EhrRetryable) failure).failure;
        OffsetDateTime failingSince = doc.failingSince() != null ? doc.failingSince() : now;
        Duration delay = schedule.delay(doc.attempts(), f.retryAfter(), ThreadLocalRandom.current());
        Optional<Instant> next = schedule.next(failingSince.toInstant(), now.toInstant(), delay);
        if (next.isEmpty()) {
            dead(lease, doc, f, f.reason() + gaveUp(failingSince, doc.attempts()));
            return;
        }
        sync.transition(
                lease,
                doc,
                DocumentState.RETRY_SCHEDULED,
                f.reason() + "; retry in " + seconds(delay),
                Change.retryAt(next.get().atOffset(ZoneOffset.UTC), f.outcome(), now));
    }

    private void heldByBreaker(Lease lease, StoredDocument doc, EhrWriteResult.Failed f, OffsetDateTime now) {
        Duration wait = f.retryAfter() == null ? properties.backoffBase() : f.retryAfter();
        OffsetDateTime failingSince = doc.failingSince() != null ? doc.failingSince() : now;
        if (schedule.next(failingSince.toInstant(), now.toInstant(), wait).isEmpty()) {
            dead(lease, doc, f, f.reason() + gaveUp(failingSince, doc.attempts() - 1));
            return;
        }
        sync.transition(
                lease,
                doc,
                DocumentState.RETRY_SCHEDULED,
                f.reason() + "; no attempt counted; retry in " + seconds(wait),
                Change.heldByBreaker(now.plus(wait), f.outcome(), now));
    }

    private String gaveUp(OffsetDateTime failingSince, int attempts) {
        return "; gave up after " + attempts + " attempts: failing since " + failingSince.toInstant()
                + ", longer than bridge.outbox.retry-for (" + properties.retryFor() + ")";
    }

    private static String seconds(Duration delay) {
        return delay.toSeconds() + "s";
    }

    /** The EHR refused the write: DEAD (an operator may replay it after a fix). */
    public void refused(
            @ExchangeException SyncFailure.EhrRefused failure, @ExchangeProperty(DocumentSync.LEASE) Lease lease) {
        dead(lease, current(lease), failure.failure, failure.failure.reason() + "; not retryable");
    }

    /**
     * Anything unforeseen, logged by class only. Before the send (mapping, composition, a bug): counted,
     * and after {@code bridge.outbox.max-failures-before-send} the document is REJECTED, so a poison
     * document cannot loop forever in front of its patient's later ones. Once the EHR may have been
     * called, nothing is recorded: the lease runs out and a later poll resumes the send (the write
     * ledger makes the repeat harmless).
     */
    public void unexpected(
            @ExchangeException Exception e,
            @ExchangeProperty(DocumentSync.TRACKING_ID) String id,
            @ExchangeProperty(DocumentSync.LEASE) Lease lease,
            @ExchangeProperty(DocumentSync.SEND_STARTED) Boolean sendStarted) {
        String kind = e.getClass().getName();
        log.error("dispatch of {} failed unexpectedly: {}", id, kind);
        if (Boolean.TRUE.equals(sendStarted) || lease == null) {
            return;
        }
        try {
            StoredDocument doc = current(lease);
            if (!DocumentState.WORKABLE.contains(doc.state())) {
                return;
            }
            int failures = doc.failuresBeforeSend() + 1;
            int max = properties.maxFailuresBeforeSend();
            if (failures >= max) {
                String reason = "failed " + failures + " times before it could be sent (last: " + kind
                        + "); not retried (bridge.outbox.max-failures-before-send)";
                sync.transition(lease, doc, DocumentState.REJECTED, reason, Change.withOutcome(outcome(reason)));
                return;
            }
            sync.transition(
                    lease,
                    doc,
                    doc.state(),
                    "failed before sending (" + kind + "), " + failures + " of " + max + "; a later poll tries again",
                    Change.failedBeforeSending());
        } catch (RuntimeException storeFailed) {
            // The store may be what failed: the lease runs out and a later poll tries again.
            log.error(
                    "recording the failure of {} failed: {}",
                    id,
                    storeFailed.getClass().getName());
        }
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

    private String outcome(String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.PROCESSING)
                .setDiagnostics(diagnostics);
        return fhir.newJsonParser().encodeResourceToString(outcome);
    }
}
