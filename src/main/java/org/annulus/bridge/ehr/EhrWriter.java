package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.annulus.bridge.document.PatientIdentity;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Writes one document's transaction bundle to the EHR: finds the patient by MRN ({@link PatientMatch}),
 * plans the send for this EHR ({@link WritePlan}), sends it ({@link WriteExecution}) and tells what the
 * answer means ({@link AnswerClassifier}), all behind a circuit breaker. The write ledger, not the
 * EHR, makes a repeated send harmless ({@link LedgerWriter}).
 */
@Service
public class EhrWriter {

    private static final Logger log = LoggerFactory.getLogger(EhrWriter.class);

    /** How long a document waits while the breaker's one probe is out (half open): its answer decides. */
    static final Duration PROBE_OUT = Duration.ofSeconds(5);

    private final EhrEndpoint endpoint;
    private final PatientMatch patientMatch;
    private final VisitEncounters visits;
    private final EhrCapabilities capabilities;
    private final WriteExecution execution;
    private final AnswerClassifier answers;
    private final MeterRegistry meters;
    private final Clock clock;
    /**
     * Opens when half of the last 20 calls failed for reasons of the EHR (5xx, 429, no answer, an
     * unusable answer): a down EHR then gets one probe per half minute instead of every document's
     * retries. Every call that acquires a permission must record an outcome or release it, or a
     * half-open breaker waits for its probe forever.
     */
    private final CircuitBreaker breaker;
    /** When the open breaker lets its next probe through: a document held back is due then, not before. */
    private final AtomicReference<Instant> probeAt = new AtomicReference<>(Instant.EPOCH);

    EhrWriter(
            EhrEndpoint endpoint,
            PatientMatch patientMatch,
            VisitEncounters visits,
            EhrCapabilities capabilities,
            WriteExecution execution,
            FhirContext fhir,
            MeterRegistry meters,
            Clock clock,
            EhrProperties properties) {
        Duration breakerOpen = properties.breakerOpen();
        this.endpoint = endpoint;
        this.patientMatch = patientMatch;
        this.visits = visits;
        this.capabilities = capabilities;
        this.execution = execution;
        this.answers = new AnswerClassifier(fhir);
        this.meters = meters;
        this.clock = clock;
        this.breaker = CircuitBreaker.of(
                "ehr",
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(breakerOpen)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .clock(clock)
                        .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                probeAt.set(clock.instant().plus(breakerOpen));
            }
        });
    }

    /**
     * One document version's send.
     *
     * @param mapped the resources to write, as composed at send time
     * @param chosenPatientId the EHR Patient an operator chose when the MRN matched none or several
     * @param trackingId the document version: the write ledger's intents name it
     * @param overwriteEhrEdits an operator chose to overwrite what was changed in the EHR since we wrote it
     */
    public record Send(
            Bundle mapped,
            PatientIdentity patient,
            Optional<String> chosenPatientId,
            String trackingId,
            boolean overwriteEhrEdits) {

        public Send(Bundle mapped, PatientIdentity patient, Optional<String> chosenPatientId, String trackingId) {
            this(mapped, patient, chosenPatientId, trackingId, false);
        }
    }

    /**
     * Writes the bundle for the patient with the document's MRN, or for the EHR Patient an operator
     * chose, planned from the EHR's capabilities and the write ledger.
     */
    public EhrWriteResult write(Send send) {
        if (!breaker.tryAcquirePermission()) {
            count("circuit-open");
            return new EhrWriteResult.Failed(true, null, EhrWriteResult.Failed.CIRCUIT_OPEN, null, untilProbe());
        }
        AnswerClassifier.Verdict verdict;
        RuntimeException failure = null;
        endpoint.sendBegins();
        try {
            verdict = answers.of(send(send));
        } catch (RuntimeException e) {
            failure = e;
            verdict =
                    answers.of(e, endpoint.baseUrl(), endpoint.lastRetryAfter().orElse(null), clock.instant());
        }
        switch (verdict.health()) {
            case UP -> breaker.onSuccess(0, TimeUnit.MILLISECONDS);
            case FAILING -> {
                // an EHR that took some of this send's writes is up, if flaky: the document retries on its own
                if (endpoint.tookAWriteOfThisSend()) {
                    breaker.onSuccess(0, TimeUnit.MILLISECONDS);
                } else {
                    breaker.onError(0, TimeUnit.MILLISECONDS, failure);
                }
            }
            case NOT_ASKED -> breaker.releasePermission();
        }
        if (verdict.counted() != null) {
            count(verdict.counted());
        }
        return verdict.result();
    }

    /** The time until the breaker lets a probe through; while the probe is out, a short wait for its answer. */
    private Duration untilProbe() {
        Duration until = Duration.between(clock.instant(), probeAt.get());
        return breaker.getState() == CircuitBreaker.State.OPEN && !until.isNegative() && !until.isZero()
                ? until
                : PROBE_OUT;
    }

    private EhrWriteResult send(Send send) {
        PatientMatch.Result match = send.chosenPatientId().isPresent()
                ? patientMatch.confirm(endpoint.client(), send.chosenPatientId().get())
                : patientMatch.find(endpoint.client(), send.patient());
        if (match.patientId().isEmpty()) {
            return new EhrWriteResult.NoPatientMatch(match.reason(), match.candidates());
        }
        String patientId = match.patientId().get();
        Map<String, String> encounters = visits.find(endpoint.client(), WritePlan.visits(send.mapped()), patientId);
        EhrRules rules = capabilities.of(endpoint.client());
        WritePlan plan = WritePlan.of(send.mapped(), send.patient(), patientId, encounters, rules);
        log.debug("EHR send: {}", plan); // resource types only: no patient data
        return execution.run(plan, rules, send.trackingId(), send.overwriteEhrEdits());
    }

    /** EHR answers by HTTP status (or failure kind): the label values are a small fixed set. */
    private void count(String status) {
        meters.counter("bridge.ehr.responses", "status", status).increment();
    }
}
