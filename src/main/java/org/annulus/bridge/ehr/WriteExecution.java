package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.ehr.EhrWriteResult.Held;
import org.hl7.fhir.r4.model.Bundle;
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
    private final LedgerWriter ledgerWriter;
    private final AmendmentNotes amendmentNotes;
    private final FhirContext fhir;
    private final Clock clock;

    WriteExecution(
            EhrEndpoint endpoint,
            LedgerWriter ledgerWriter,
            AmendmentNotes amendmentNotes,
            FhirContext fhir,
            Clock clock) {
        this.endpoint = endpoint;
        this.ledgerWriter = ledgerWriter;
        this.amendmentNotes = amendmentNotes;
        this.fhir = fhir;
        this.clock = clock;
    }

    /**
     * @param trackingId the document version this send is for: the ledger's intents name it
     * @param overwriteEhrEdits an operator chose to overwrite resources changed in the EHR
     */
    EhrWriteResult.Written run(WritePlan plan, EhrRules rules, String trackingId, boolean overwriteEhrEdits) {
        IGenericClient client = endpoint.client();
        LedgerWriter.Outcome outcome = amendmentNotes.writeAfter(
                client,
                endpoint.baseUrl(),
                plan.toSend(),
                ledgerWriter.write(
                        client,
                        endpoint.baseUrl(),
                        plan.toSend(),
                        trackingId,
                        plan.patientId(),
                        rules,
                        overwriteEhrEdits),
                trackingId,
                plan.patientId(),
                rules);
        List<EhrWriteResult.WrittenEntry> written = outcome.written();
        List<String> fallbacks = new ArrayList<>(plan.noteTypes());
        if (plan.provenanceAfter().isPresent()) {
            Bundle.BundleEntryComponent provenance = plan.provenanceAfter().get();
            if (plan.provenanceKept()) {
                // The EHR takes none: ours, with the versions written, is kept in the store and audit trail.
                VersionedProvenance.target(provenance, outcome.byFullUrl());
                keep(plan, provenance);
                fallbacks.add("Provenance kept by the bridge");
            } else {
                try {
                    written = VersionedProvenance.writeAfter(
                            client,
                            provenance,
                            outcome.byFullUrl(),
                            written,
                            LedgerWriter.businessIdentifier(provenance));
                    keep(plan, provenance);
                } catch (BaseServerResponseException e) {
                    if (e instanceof FhirClientConnectionException || AnswerClassifier.isRetryable(e.getStatusCode())) {
                        // A passing failure (no answer, 5xx, 429): the send is retried. The resources are in the
                        // ledger as written, so the resend writes only this Provenance (a PUT by its own id).
                        throw e;
                    }
                    // Refused: the resources are written and must be recorded as such (a resend would
                    // duplicate them). The Provenance stays in our own store and audit log.
                    log.warn("EHR refused the Provenance (HTTP {}); the resources are written", e.getStatusCode());
                    keep(plan, provenance);
                    fallbacks.add("Provenance not written (HTTP " + e.getStatusCode() + ")");
                }
            }
        }
        List<Held> held = new ArrayList<>(outcome.held());
        for (WritePlan.Unwritable u : plan.unwritable()) {
            String sha256 = ledgerWriter.contentHash(u.resource());
            // Filed by hand as it is now (an operator's "handled"): not held again for the same content.
            if (!ledgerWriter.filedByHand(endpoint.baseUrl(), u.businessIdentifier(), sha256)) {
                held.add(new Held(
                        Held.Kind.NEEDS_REVIEW,
                        u.resourceType(),
                        u.businessIdentifier(),
                        null,
                        null,
                        null,
                        u.reason(),
                        sha256,
                        endpoint.baseUrl()));
            }
        }
        return new EhrWriteResult.Written(plan.patientId(), written, fallbacks, held);
    }

    /** The audit trail keeps every send's Provenance, whether or not the EHR holds a copy. */
    private void keep(WritePlan plan, Bundle.BundleEntryComponent provenance) {
        String url = provenance.getRequest().getUrl();
        endpoint.publish(new ProvenanceWritten(
                "Patient/" + plan.patientId(),
                url.startsWith(PROVENANCE_ID_PREFIX) ? url.substring(PROVENANCE_ID_PREFIX.length()) : null,
                fhir.newJsonParser().encodeResourceToString(provenance.getResource()),
                clock.instant()));
    }
}
