package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends what a {@link WritePlan} says: its entries as one transaction or one request at a time, then
 * the Provenance with the versions the EHR answered. Whatever the EHR's client throws goes to the
 * caller, who classifies it ({@link AnswerClassifier}); an answer that names no written resource is an
 * {@link IllegalStateException}.
 */
@Component
class WriteExecution {

    private static final Logger log = LoggerFactory.getLogger(WriteExecution.class);
    private static final String PROVENANCE_ID_PREFIX = "Provenance/bridge-";

    private final EhrEndpoint endpoint;
    private final SingleRequestWriter singleRequests;
    private final FhirContext fhir;
    private final Clock clock;

    WriteExecution(EhrEndpoint endpoint, SingleRequestWriter singleRequests, FhirContext fhir, Clock clock) {
        this.endpoint = endpoint;
        this.singleRequests = singleRequests;
        this.fhir = fhir;
        this.clock = clock;
    }

    EhrWriteResult.Written run(WritePlan plan) {
        IGenericClient client = endpoint.client();
        Bundle toSend = plan.toSend();
        List<EhrWriteResult.WrittenEntry> written = plan.mode() == WritePlan.Mode.TRANSACTION
                ? entriesOf(toSend, client.transaction().withBundle(toSend).execute())
                : entriesOf(toSend, singleRequests.write(client, toSend));
        List<String> fallbacks = new ArrayList<>(plan.noteTypes());
        if (plan.provenanceAfter().isPresent()) {
            Bundle.BundleEntryComponent provenance = plan.provenanceAfter().get();
            try {
                written = VersionedProvenance.writeAfter(
                        client, provenance, toSend, written, businessIdentifierOf(provenance));
                String url = provenance.getRequest().getUrl();
                endpoint.publish(new ProvenanceWritten(
                        "Patient/" + plan.patientId(),
                        url.startsWith(PROVENANCE_ID_PREFIX) ? url.substring(PROVENANCE_ID_PREFIX.length()) : null,
                        fhir.newJsonParser().encodeResourceToString(provenance.getResource()),
                        clock.instant()));
            } catch (BaseServerResponseException e) {
                // The resources are written and must be recorded as such: a resend would duplicate them.
                log.warn("EHR refused the Provenance (HTTP {}); the resources are written", e.getStatusCode());
                fallbacks.add("Provenance not written (HTTP " + e.getStatusCode() + ")");
            }
        }
        return new EhrWriteResult.Written(plan.patientId(), written, fallbacks);
    }

    private static List<EhrWriteResult.WrittenEntry> entriesOf(Bundle sent, List<IIdType> ids) {
        List<EhrWriteResult.WrittenEntry> written = new ArrayList<>();
        for (int i = 0; i < sent.getEntry().size(); i++) {
            written.add(writtenEntry(sent.getEntry().get(i), ids.get(i)));
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
            Bundle.BundleEntryResponseComponent answer =
                    response.getEntry().get(i).getResponse();
            if (!answer.hasLocation() || !answer.getStatus().startsWith("20")) {
                throw new IllegalStateException("transaction response entry " + i + " has no success location");
            }
            written.add(writtenEntry(sent.getEntry().get(i), new IdType(answer.getLocation())));
        }
        return written;
    }

    private static EhrWriteResult.WrittenEntry writtenEntry(Bundle.BundleEntryComponent request, IIdType id) {
        return new EhrWriteResult.WrittenEntry(
                request.getResource().fhirType(), id.getIdPart(), id.getVersionIdPart(), businessIdentifierOf(request));
    }

    /**
     * The conditional token {@code identifier=system|value} (of a conditional create or update)
     * names the resource for us; otherwise the request URL does.
     */
    static String businessIdentifierOf(Bundle.BundleEntryComponent entry) {
        String ifNoneExist = entry.getRequest().getIfNoneExist();
        if (ifNoneExist != null && ifNoneExist.startsWith("identifier=")) {
            return ifNoneExist.substring("identifier=".length());
        }
        String url = entry.getRequest().getUrl();
        int query = url.indexOf("?identifier=");
        return query >= 0 ? url.substring(query + "?identifier=".length()) : url;
    }
}
