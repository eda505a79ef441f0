package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.PatientIdentity;
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

    private final MeterRegistry meters;

    EhrWriter(EhrEndpoint endpoint, PatientMatch patientMatch, FhirContext fhir, MeterRegistry meters) {
        this.meters = meters;
        this.endpoint = endpoint;
        this.patientMatch = patientMatch;
        this.fhir = fhir;
    }

    /**
     * Writes the bundle for the patient with the document's MRN, or for the EHR Patient an operator
     * chose ({@code chosenPatientId}) when the MRN matched none or several.
     */
    public EhrWriteResult write(Bundle mapped, PatientIdentity patient, Optional<String> chosenPatientId) {
        try {
            PatientMatch.Result match = chosenPatientId.isPresent()
                    ? patientMatch.confirm(endpoint.client(), chosenPatientId.get())
                    : patientMatch.find(endpoint.client(), patient);
            if (match.patientId().isEmpty()) {
                return new EhrWriteResult.NoPatientMatch(match.reason(), match.candidates());
            }
            String patientId = match.patientId().get();
            Bundle toSend = withPatient(mapped, patient, patientId);
            Bundle response = endpoint.client().transaction().withBundle(toSend).execute();
            count("200");
            return new EhrWriteResult.Written(patientId, entriesOf(toSend, response));
        } catch (FhirClientConnectionException e) {
            // A subclass of BaseServerResponseException: no HTTP answer at all, so catch it first.
            log.warn("EHR not reachable at {}", endpoint.baseUrl());
            count("connection-error");
            return new EhrWriteResult.Failed(true, null, "EHR not reachable (connection failed or timed out)", null, null);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            log.warn("EHR answered HTTP {} to a write", status);
            count(String.valueOf(status));
            return new EhrWriteResult.Failed(isRetryable(status), status, "EHR answered HTTP " + status,
                    e.getOperationOutcome() == null ? null
                            : fhir.newJsonParser().encodeResourceToString(e.getOperationOutcome()),
                    retryAfter(e).orElse(null));
        } catch (RuntimeException e) {
            // Malformed or partial responses: the send may or may not have landed; a resend is safe.
            log.warn("EHR write failed: {}", e.getClass().getSimpleName());
            count("unusable-response");
            return new EhrWriteResult.Failed(true, null, "EHR response unusable: " + e.getClass().getSimpleName(), null, null);
        }
    }

    /** EHR answers by HTTP status (or failure kind): the label values are a small fixed set. */
    private void count(String status) {
        meters.counter("bridge.ehr.responses", "status", status).increment();
    }

    private static boolean isRetryable(int status) {
        return status == 408 || status == 409 || status == 412 || status == 429 || status >= 500;
    }

    private static Optional<Duration> retryAfter(BaseServerResponseException e) {
        if (e.getResponseHeaders() == null) {
            return Optional.empty();
        }
        return e.getResponseHeaders().entrySet().stream()
                .filter(h -> "retry-after".equalsIgnoreCase(h.getKey()))
                .flatMap(h -> h.getValue().stream())
                .findFirst()
                .flatMap(v -> {
                    try {
                        return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
                    } catch (NumberFormatException notSeconds) {
                        return Optional.empty();
                    }
                });
    }

    /** A copy of the bundle whose references to the patient (by MRN identifier) name the EHR's Patient. */
    private Bundle withPatient(Bundle mapped, PatientIdentity patient, String patientId) {
        Bundle copy = mapped.copy();
        for (Bundle.BundleEntryComponent entry : copy.getEntry()) {
            for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)) {
                if (!ref.hasReference() && ref.hasIdentifier()
                        && patient.mrnSystem().equals(ref.getIdentifier().getSystem())
                        && patient.mrn().equals(ref.getIdentifier().getValue())) {
                    ref.setReference("Patient/" + patientId);
                }
            }
        }
        return copy;
    }

    private static List<EhrWriteResult.WrittenEntry> entriesOf(Bundle sent, Bundle response) {
        if (response.getEntry().size() != sent.getEntry().size()) {
            throw new IllegalStateException("transaction response has " + response.getEntry().size()
                    + " entries for " + sent.getEntry().size() + " sent");
        }
        List<EhrWriteResult.WrittenEntry> written = new ArrayList<>();
        for (int i = 0; i < sent.getEntry().size(); i++) {
            Bundle.BundleEntryComponent request = sent.getEntry().get(i);
            Bundle.BundleEntryResponseComponent answer = response.getEntry().get(i).getResponse();
            if (!answer.hasLocation() || !answer.getStatus().startsWith("20")) {
                throw new IllegalStateException("transaction response entry " + i + " has no success location");
            }
            IdType id = new IdType(answer.getLocation());
            Resource resource = request.getResource();
            written.add(new EhrWriteResult.WrittenEntry(resource.fhirType(), id.getIdPart(), id.getVersionIdPart(),
                    businessIdentifierOf(request)));
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
