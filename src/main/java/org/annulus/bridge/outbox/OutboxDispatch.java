package org.annulus.bridge.outbox;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.ThreadLocalRandom;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.ehr.EhrWriteResult;
import org.annulus.bridge.ehr.EhrWriter;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.annulus.bridge.outbox.DocumentStore.Change;
import org.annulus.bridge.outbox.DocumentStore.StoredDocument;
import org.annulus.bridge.profiles.ResourceValidator;
import org.annulus.bridge.profiles.ValidationReport;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves due documents along: claims a batch under a lease, maps what is ACCEPTED, sends what is
 * MAPPED (or was being sent when a process died), and records each outcome as a state. Called by the
 * {@code outbox-dispatch} route; safe to run in several threads and several instances at once.
 */
@Component("outboxDispatch")
public class OutboxDispatch {

    private static final Logger log = LoggerFactory.getLogger(OutboxDispatch.class);

    private final DocumentStore store;
    private final TransactionTemplate tx;
    private final ClinicalMapper mapper;
    private final EhrWriter ehr;
    private final ResourceValidator validator;
    private final FhirContext fhir;
    private final OutboxProperties properties;
    private final MeterRegistry meters;
    private final SyncBundle syncBundle;
    private final DocumentReader reader = new DocumentReader();
    private final String owner = ManagementFactory.getRuntimeMXBean().getName();
    private final ExecutorService workers;

    OutboxDispatch(DocumentStore store, TransactionTemplate tx, ClinicalMapper mapper, EhrWriter ehr,
            ResourceValidator validator, FhirContext fhir, OutboxProperties properties, MeterRegistry meters,
            SyncBundle syncBundle) {
        this.syncBundle = syncBundle;
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(properties.workers(), r -> {
            Thread t = new Thread(r, "outbox-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.store = store;
        this.tx = tx;
        this.mapper = mapper;
        this.ehr = ehr;
        this.validator = validator;
        this.fhir = fhir;
        this.properties = properties;
        this.meters = meters;
    }

    /** Claims and works one batch; returns how many documents it took. */
    public int dispatchDue() {
        List<String> claimed = tx.execute(status -> {
            List<String> ids = store.lockDue(properties.batchSize());
            store.lease(ids, owner, store.now().plus(properties.lease()));
            return ids;
        });
        // A batch holds at most one document per patient (see DocumentStore.lockDue), so its
        // documents can be worked in parallel without breaking per-patient order.
        List<Future<?>> running = claimed.stream().<Future<?>>map(id -> workers.submit(() -> workSafely(id))).toList();
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                log.error("outbox worker failed: {}", e.getCause().getClass().getName());
            }
        }
        return claimed.size();
    }

    private void workSafely(String trackingId) {
        try {
            work(trackingId);
        } catch (RuntimeException e) {
            // The lease runs out and another pass retries; never let one document stop the batch.
            log.error("dispatch of {} failed unexpectedly: {}", trackingId, e.getClass().getName());
        }
    }

    @PreDestroy
    void stopWorkers() {
        workers.shutdown();
    }

    private void work(String trackingId) {
        StoredDocument doc = store.find(trackingId).orElseThrow();
        if (doc.state() == DocumentState.ACCEPTED) {
            if (!map(doc)) {
                return;
            }
            doc = store.find(trackingId).orElseThrow();
        }
        if (DocumentState.WORKABLE.contains(doc.state())) {
            send(doc);
        }
    }

    private boolean map(StoredDocument doc) {
        Bundle bundle;
        List<String> warnings;
        try {
            ClinicalDocument document = reader.read(doc.rawDocument());
            bundle = mapper.map(document);
            warnings = mapper.warnings(document);
        } catch (RuntimeException e) {
            String why = "mapping failed: " + e.getMessage();
            return !transition(doc, DocumentState.REJECTED, why, Change.withOutcome(outcome(why)));
        }
        // The gate: nothing the EHR would refuse as non-conformant leaves the bridge (see fhir-profiles/VALIDATION.md).
        ValidationReport report = validator.validate(bundle);
        if (report.hasErrors()) {
            return !transition(doc, DocumentState.REJECTED, "FHIR validation failed: " + report.errors().size() + " errors",
                    Change.withOutcome(fhir.newJsonParser().encodeResourceToString(report.toOperationOutcome())));
        }
        // Consistency warnings ride on the MAPPED transition: recorded in the history, no new state.
        return transition(doc, DocumentState.MAPPED, "mapped to " + bundle.getEntry().size() + " FHIR resources"
                + (warnings.isEmpty() ? "" : "; warnings: " + String.join("; ", warnings)),
                Change.mapped(fhir.newJsonParser().encodeResourceToString(bundle)));
    }

    private void send(StoredDocument doc) {
        Optional<Integer> newer = store.supersedingVersion(doc);
        if (newer.isPresent()) {
            transition(doc, DocumentState.SUPERSEDED, "version " + newer.get()
                    + " of this document is already in the EHR or arrived first; version " + doc.version()
                    + " changes nothing", Change.none());
            return;
        }
        ClinicalDocument document = reader.read(doc.rawDocument());
        SyncBundle.Composed composed = syncBundle.compose(doc, document);
        if (composed.additions().hasErrors()) {
            // What send time adds (recovery plan, retractions, Provenance) passes the same gate.
            transition(doc, DocumentState.REJECTED, "FHIR validation failed at send time: "
                    + composed.additions().errors().size() + " errors",
                    Change.withOutcome(fhir.newJsonParser().encodeResourceToString(composed.additions().toOperationOutcome())));
            return;
        }
        String why = doc.state() == DocumentState.SENDING
                ? "resuming an interrupted send (attempt " + (doc.attempts() + 1) + ")"
                : "sending to EHR (attempt " + (doc.attempts() + 1) + ")";
        if (!transition(doc, DocumentState.SENDING, why, Change.attempt())) {
            return;
        }
        int attempt = doc.attempts() + 1;
        Bundle bundle = composed.bundle();
        EhrWriteResult result = ehr.write(bundle, document.patient(), Optional.ofNullable(doc.ehrPatientId()));
        StoredDocument sending = store.find(doc.trackingId()).orElseThrow();
        if (result instanceof EhrWriteResult.Written written) {
            synced(sending, written);
        } else if (result instanceof EhrWriteResult.NoPatientMatch none) {
            transition(sending, DocumentState.AWAITING_PATIENT_MATCH, none.reason()
                    + (none.candidates().isEmpty() ? "" : "; candidates: " + String.join(", ", none.candidates())),
                    Change.none());
        } else {
            failed(sending, (EhrWriteResult.Failed) result, attempt);
        }
    }

    private void synced(StoredDocument doc, EhrWriteResult.Written written) {
        OffsetDateTime now = store.now();
        tx.executeWithoutResult(status -> {
            store.recordWritten(doc.trackingId(), written.entries().stream()
                    .map(e -> new TrackedDocument.WrittenResource(e.resourceType(), e.id(), e.version(),
                            e.businessIdentifier(), now))
                    .toList());
            store.transition(doc.trackingId(), DocumentState.SENDING, DocumentState.SYNCED,
                    written.entries().size() + " resources in the EHR for Patient/" + written.patientId()
                            + (written.fallbacks().isEmpty() ? ""
                                    : "; written as DocumentReference notes because the EHR does not accept them: "
                                            + String.join(", ", written.fallbacks())), Change.none());
        });
        meters.counter("bridge.outbox.transitions", "to", DocumentState.SYNCED.name()).increment();
        log.info("document {} SENDING -> SYNCED ({} resources)", doc.trackingId(), written.entries().size());
        Timer.builder("bridge.sync.latency").description("accepted to synced").publishPercentileHistogram()
                .register(meters).record(Duration.between(doc.receivedAt(), now));
    }

    private void failed(StoredDocument doc, EhrWriteResult.Failed failure, int attempt) {
        if (failure.retryable() && attempt < properties.maxAttempts()) {
            // Retry-After is honoured, within our own cap: a server asking for a year is not taken literally.
            Duration delay = failure.retryAfter() != null
                    ? (failure.retryAfter().compareTo(properties.backoffMax()) > 0 ? properties.backoffMax() : failure.retryAfter())
                    : backoff(attempt);
            transition(doc, DocumentState.RETRY_SCHEDULED, failure.reason() + "; retry in " + delay.toSeconds() + "s",
                    Change.retryAt(store.now().plus(delay), failure.outcome()));
        } else {
            transition(doc, DocumentState.DEAD, failure.reason() + (failure.retryable()
                    ? "; gave up after " + attempt + " attempts" : "; not retryable"),
                    Change.withOutcome(failure.outcome() != null ? failure.outcome() : outcome(failure.reason())));
        }
    }

    /** Exponential backoff with full jitter: spreads retries of many documents after an outage. */
    Duration backoff(int attempt) {
        long capMillis = Math.min(properties.backoffMax().toMillis(),
                properties.backoffBase().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(properties.backoffBase().toMillis(),
                Math.max(properties.backoffBase().toMillis() + 1, capMillis + 1)));
    }

    private boolean transition(StoredDocument doc, DocumentState to, String reason, Change change) {
        Boolean moved = tx.execute(status -> store.transition(doc.trackingId(), doc.state(), to, reason, change));
        if (Boolean.TRUE.equals(moved)) {
            meters.counter("bridge.outbox.transitions", "to", to.name()).increment();
            log.info("document {} {} -> {}", doc.trackingId(), doc.state(), to);
        }
        return Boolean.TRUE.equals(moved);
    }

    private String outcome(String diagnostics) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.PROCESSING).setDiagnostics(diagnostics);
        return fhir.newJsonParser().encodeResourceToString(outcome);
    }
}
