package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.annulus.bridge.document.PatientIdentity;
import org.annulus.bridge.smart.SmartException;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Writes one document's transaction bundle to the EHR: finds the patient by MRN, points every
 * patient reference at the EHR's Patient, and sends the bundle. Conditional creates in the bundle
 * make a repeated send harmless.
 */
@Service
public class EhrWriter {

    private static final Logger log = LoggerFactory.getLogger(EhrWriter.class);

    private final EhrEndpoint endpoint;
    private final PatientMatch patientMatch;
    private final FhirContext fhir;

    /** How long the breaker stays open before letting one probe through. */
    static final Duration BREAKER_OPEN = Duration.ofSeconds(30);

    private final MeterRegistry meters;
    private final EhrCapabilities capabilities;
    private final SingleRequestWriter singleRequests;
    private final Clock clock;
    /**
     * Opens when half of the last 20 calls failed for reasons of the EHR (5xx, 429, no answer, an
     * unusable answer): a down EHR then gets one probe per half minute instead of every document's
     * retries. Every call that acquires a permission must record an outcome or release it, or a
     * half-open breaker waits for its probe forever.
     */
    private final CircuitBreaker breaker;

    EhrWriter(
            EhrEndpoint endpoint,
            PatientMatch patientMatch,
            FhirContext fhir,
            MeterRegistry meters,
            EhrCapabilities capabilities,
            SingleRequestWriter singleRequests,
            Clock clock) {
        this.meters = meters;
        this.capabilities = capabilities;
        this.singleRequests = singleRequests;
        this.endpoint = endpoint;
        this.patientMatch = patientMatch;
        this.fhir = fhir;
        this.clock = clock;
        this.breaker = CircuitBreaker.of(
                "ehr",
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(BREAKER_OPEN)
                        .permittedNumberOfCallsInHalfOpenState(1)
                        .clock(clock)
                        .build());
    }

    /**
     * Writes the bundle for the patient with the document's MRN, or for the EHR Patient an operator
     * chose ({@code chosenPatientId}) when the MRN matched none or several.
     */
    public EhrWriteResult write(Bundle mapped, PatientIdentity patient, Optional<String> chosenPatientId) {
        if (!breaker.tryAcquirePermission()) {
            count("circuit-open");
            return new EhrWriteResult.Failed(true, null, EhrWriteResult.Failed.CIRCUIT_OPEN, null, BREAKER_OPEN);
        }
        try {
            EhrWriteResult result = send(mapped, patient, chosenPatientId);
            breaker.onSuccess(0, TimeUnit.MILLISECONDS);
            return result;
        } catch (SmartException e) {
            // No token, no write: the message says what hospital IT should check (never a secret).
            // The EHR itself was not asked, so this says nothing about its health either way.
            breaker.releasePermission();
            log.warn("EHR write not attempted: {}", e.getMessage());
            count("authorization-failed");
            return new EhrWriteResult.Failed(true, null, "SMART authorization failed: " + e.getMessage(), null, null);
        } catch (FhirClientConnectionException e) {
            // A subclass of BaseServerResponseException: no usable HTTP answer at all, so catch it first.
            breaker.onError(0, TimeUnit.MILLISECONDS, e);
            if (causedBy(e, DataFormatException.class)) {
                return unusable("unparseable FHIR content");
            }
            log.warn("EHR not reachable at {}", endpoint.baseUrl());
            count("connection-error");
            return new EhrWriteResult.Failed(
                    true, null, "EHR not reachable (connection failed or timed out)", null, null);
        } catch (BaseServerResponseException e) {
            return answered(e);
        } catch (RuntimeException e) {
            // Malformed or partial responses: the send may or may not have landed; a resend is safe.
            breaker.onError(0, TimeUnit.MILLISECONDS, e);
            return unusable(e.getClass().getSimpleName());
        }
    }

    private EhrWriteResult send(Bundle mapped, PatientIdentity patient, Optional<String> chosenPatientId) {
        PatientMatch.Result match = chosenPatientId.isPresent()
                ? patientMatch.confirm(endpoint.client(), chosenPatientId.get())
                : patientMatch.find(endpoint.client(), patient);
        if (match.patientId().isEmpty()) {
            return new EhrWriteResult.NoPatientMatch(match.reason(), match.candidates());
        }
        String patientId = match.patientId().get();
        Bundle toSend = withEncounters(withPatient(mapped, patient, patientId), patientId);
        EhrCapabilities.Snapshot capabilities = this.capabilities.of(endpoint.client());
        List<String> fallbacks = applyFallbacks(toSend, capabilities);
        Optional<Bundle.BundleEntryComponent> provenance = VersionedProvenance.detach(toSend);
        List<EhrWriteResult.WrittenEntry> written;
        if (capabilities.transaction()) {
            written = entriesOf(
                    toSend, endpoint.client().transaction().withBundle(toSend).execute());
        } else {
            written = entriesOf(toSend, singleRequests.write(endpoint.client(), toSend));
        }
        if (provenance.isPresent()) {
            try {
                written = VersionedProvenance.writeAfter(
                        endpoint.client(), provenance.get(), toSend, written, businessIdentifierOf(provenance.get()));
                String url = provenance.get().getRequest().getUrl();
                endpoint.publish(new ProvenanceWritten(
                        "Patient/" + patientId,
                        url.startsWith("Provenance/bridge-") ? url.substring("Provenance/bridge-".length()) : null,
                        fhir.newJsonParser()
                                .encodeResourceToString(provenance.get().getResource()),
                        clock.instant()));
            } catch (BaseServerResponseException e) {
                // The resources are written and must be recorded as such: a resend would duplicate them.
                log.warn("EHR refused the Provenance (HTTP {}); the resources are written", e.getStatusCode());
                fallbacks = new ArrayList<>(fallbacks);
                fallbacks.add("Provenance not written (HTTP " + e.getStatusCode() + ")");
            }
        }
        count("200");
        return new EhrWriteResult.Written(patientId, written, fallbacks);
    }

    /** The EHR answered with an HTTP status HAPI treats as an error. */
    private EhrWriteResult answered(BaseServerResponseException e) {
        int status = e.getStatusCode();
        if (status < 300) {
            // NonFhirResponseException: a 2xx whose body is not FHIR (a proxy's HTML page, say).
            breaker.onError(0, TimeUnit.MILLISECONDS, e);
            return unusable("HTTP " + status + " without FHIR content");
        }
        log.warn("EHR answered HTTP {} to a write", status);
        count(String.valueOf(status));
        if (status == 429 || status >= 500) {
            breaker.onError(0, TimeUnit.MILLISECONDS, e);
        } else {
            // The EHR is up and answering; the request was the problem.
            breaker.onSuccess(0, TimeUnit.MILLISECONDS);
        }
        return new EhrWriteResult.Failed(
                isRetryable(status),
                status,
                "EHR answered HTTP " + status,
                e.getOperationOutcome() == null
                        ? null
                        : fhir.newJsonParser().encodeResourceToString(e.getOperationOutcome()),
                retryAfter(e).orElse(null));
    }

    private EhrWriteResult unusable(String what) {
        log.warn("EHR response unusable: {}", what);
        count("unusable-response");
        return new EhrWriteResult.Failed(true, null, "EHR response unusable: " + what, null, null);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** EHR answers by HTTP status (or failure kind): the label values are a small fixed set. */
    private void count(String status) {
        meters.counter("bridge.ehr.responses", "status", status).increment();
    }

    /**
     * 412 is not retried: our conditional writes fail it only when several EHR resources carry one
     * business identifier, which a retry cannot mend.
     */
    private static boolean isRetryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * Replaces entries of types the EHR does not let us write with DocumentReference notes;
     * returns the replaced types.
     */
    private static List<String> applyFallbacks(Bundle bundle, EhrCapabilities.Snapshot capabilities) {
        List<String> replaced = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            String type = entry.getResource().fhirType();
            if (!capabilities.canWrite(type) && capabilities.canWrite("DocumentReference")) {
                String identifier = businessIdentifierOf(entry);
                int bar = identifier.indexOf('|');
                if (bar > 0) {
                    bundle.getEntry()
                            .set(
                                    i,
                                    WriteFallback.asNote(
                                            entry, identifier.substring(0, bar), identifier.substring(bar + 1)));
                    replaced.add(type);
                }
            }
        }
        return replaced.stream().distinct().toList();
    }

    /** HAPI keeps no headers on its exceptions (should a later version, they win). */
    private Optional<Duration> retryAfter(BaseServerResponseException e) {
        Optional<String> header = e.getResponseHeaders() == null
                ? Optional.empty()
                : e.getResponseHeaders().entrySet().stream()
                        .filter(h -> "retry-after".equalsIgnoreCase(h.getKey()))
                        .flatMap(h -> h.getValue().stream())
                        .findFirst();
        return header.or(endpoint::lastRetryAfter).flatMap(v -> RetryAfter.parse(v, clock.instant()));
    }

    /** A copy of the bundle whose references to the patient (by MRN identifier) name the EHR's Patient. */
    private Bundle withPatient(Bundle mapped, PatientIdentity patient, String patientId) {
        Bundle copy = mapped.copy();
        for (Bundle.BundleEntryComponent entry : copy.getEntry()) {
            for (Reference ref :
                    fhir.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)) {
                if (!ref.hasReference()
                        && ref.hasIdentifier()
                        && patient.mrnSystem().equals(ref.getIdentifier().getSystem())
                        && patient.mrn().equals(ref.getIdentifier().getValue())) {
                    ref.setReference("Patient/" + patientId);
                }
            }
        }
        return copy;
    }

    /**
     * Visit references (by the hospital's visit number, issue 9 point 12) made literal where the EHR
     * has exactly one Encounter with that identifier for this patient. Otherwise the logical
     * reference stays: it names the real visit, and the EHR may resolve it later; nothing is invented.
     */
    private Bundle withEncounters(Bundle bundle, String patientId) {
        java.util.Map<String, Optional<String>> found = new java.util.HashMap<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            for (Reference ref :
                    fhir.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)) {
                if (!ref.hasReference() && "Encounter".equals(ref.getType()) && ref.hasIdentifier()) {
                    String token = ref.getIdentifier().getSystem() + "|"
                            + ref.getIdentifier().getValue();
                    found.computeIfAbsent(token, t -> findEncounter(ref.getIdentifier(), patientId))
                            .ifPresent(id -> ref.setReference("Encounter/" + id));
                }
            }
        }
        return bundle;
    }

    private Optional<String> findEncounter(org.hl7.fhir.r4.model.Identifier visit, String patientId) {
        try {
            Bundle matches = endpoint.client()
                    .search()
                    .forResource(org.hl7.fhir.r4.model.Encounter.class)
                    .where(org.hl7.fhir.r4.model.Encounter.IDENTIFIER
                            .exactly()
                            .systemAndIdentifier(visit.getSystem(), visit.getValue()))
                    .and(org.hl7.fhir.r4.model.Encounter.PATIENT.hasId(patientId))
                    .returnBundle(Bundle.class)
                    .execute();
            List<String> ids = matches.getEntry().stream()
                    .filter(e -> e.getResource() != null)
                    .map(e -> e.getResource().getIdElement().getIdPart())
                    .toList();
            return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
        } catch (BaseServerResponseException e) {
            // An EHR without Encounter search (or that refuses it) keeps the logical reference.
            log.info("Encounter lookup by visit identifier not answered (HTTP {})", e.getStatusCode());
            return Optional.empty();
        }
    }

    private static List<EhrWriteResult.WrittenEntry> entriesOf(Bundle sent, List<IIdType> ids) {
        List<EhrWriteResult.WrittenEntry> written = new ArrayList<>();
        for (int i = 0; i < sent.getEntry().size(); i++) {
            Bundle.BundleEntryComponent request = sent.getEntry().get(i);
            written.add(new EhrWriteResult.WrittenEntry(
                    request.getResource().fhirType(),
                    ids.get(i).getIdPart(),
                    ids.get(i).getVersionIdPart(),
                    businessIdentifierOf(request)));
        }
        return written;
    }

    private static List<EhrWriteResult.WrittenEntry> entriesOf(Bundle sent, Bundle response) {
        if (response.getEntry().size() != sent.getEntry().size()) {
            throw new IllegalStateException(
                    "transaction response has " + response.getEntry().size() + " entries for "
                            + sent.getEntry().size() + " sent");
        }
        List<EhrWriteResult.WrittenEntry> written = new ArrayList<>();
        for (int i = 0; i < sent.getEntry().size(); i++) {
            Bundle.BundleEntryComponent request = sent.getEntry().get(i);
            Bundle.BundleEntryResponseComponent answer =
                    response.getEntry().get(i).getResponse();
            if (!answer.hasLocation() || !answer.getStatus().startsWith("20")) {
                throw new IllegalStateException("transaction response entry " + i + " has no success location");
            }
            IdType id = new IdType(answer.getLocation());
            Resource resource = request.getResource();
            written.add(new EhrWriteResult.WrittenEntry(
                    resource.fhirType(), id.getIdPart(), id.getVersionIdPart(), businessIdentifierOf(request)));
        }
        return written;
    }

    /**
     * The conditional token {@code identifier=system|value} (of a conditional create or update)
     * names the resource for us; otherwise the request URL does.
     */
    private static String businessIdentifierOf(Bundle.BundleEntryComponent entry) {
        String ifNoneExist = entry.getRequest().getIfNoneExist();
        if (ifNoneExist != null && ifNoneExist.startsWith("identifier=")) {
            return ifNoneExist.substring("identifier=".length());
        }
        String url = entry.getRequest().getUrl();
        int query = url.indexOf("?identifier=");
        return query >= 0 ? url.substring(query + "?identifier=".length()) : url;
    }
}
