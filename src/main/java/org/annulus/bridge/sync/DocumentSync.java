package org.annulus.bridge.sync;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.annulus.bridge.ehr.EhrWriteResult;
import org.annulus.bridge.ehr.EhrWriter;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.annulus.bridge.mapping.SendTimeComposition;
import org.annulus.bridge.outbox.Change;
import org.annulus.bridge.outbox.Dispatch;
import org.annulus.bridge.outbox.DocumentHistory;
import org.annulus.bridge.outbox.DocumentState;
import org.annulus.bridge.outbox.Lease;
import org.annulus.bridge.outbox.Leases;
import org.annulus.bridge.outbox.OutboxProperties;
import org.annulus.bridge.outbox.StoredDocument;
import org.annulus.bridge.outbox.TrackedDocument;
import org.annulus.bridge.profiles.ResourceValidator;
import org.annulus.bridge.profiles.ValidationReport;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of the dispatch routes (camel-routes/outbox-dispatch.yaml), one public method per step,
 * in the order the route calls them. A step that ends the document's way for now throws a
 * {@link SyncFailure}; the route's {@code onException} hands it to {@link SyncOutcomes}, which
 * records the state it leads to. The database stays the memory: every state change is a
 * transition in the outbox ({@link Dispatch}), never an in-memory redelivery.
 */
@Component("documentSync")
public class DocumentSync {

    private static final Logger log = LoggerFactory.getLogger(DocumentSync.class);

    /** The exchange property holding the tracking id of the document a sync-document exchange works. */
    public static final String TRACKING_ID = "trackingId";

    /** Set by the route once SENDING is recorded: from then on the EHR may have the document. */
    public static final String SEND_STARTED = "sendStarted";

    /** The exchange property holding the worker's {@link Lease} on that document. */
    public static final String LEASE = "lease";

    private final Dispatch dispatch;
    private final ClinicalMapper mapper;
    private final EhrWriter ehr;
    private final ResourceValidator validator;
    private final FhirContext fhir;
    private final OutboxProperties properties;
    private final MeterRegistry meters;
    private final SendTimeComposition composition;
    private final Leases leases;
    private final DocumentReader reader = new DocumentReader();

    DocumentSync(
            Dispatch dispatch,
            ClinicalMapper mapper,
            EhrWriter ehr,
            ResourceValidator validator,
            FhirContext fhir,
            OutboxProperties properties,
            MeterRegistry meters,
            SendTimeComposition composition,
            Leases leases) {
        this.dispatch = dispatch;
        this.mapper = mapper;
        this.ehr = ehr;
        this.validator = validator;
        this.fhir = fhir;
        this.properties = properties;
        this.meters = meters;
        this.composition = composition;
        this.leases = leases;
    }

    /**
     * A document on its way through the route: the worker's lease on it, the stored row, and what the
     * steps made of it so far.
     */
    public record Work(Lease lease, StoredDocument stored, ClinicalDocument document, Bundle bundle) {

        public String trackingId() {
            return stored.trackingId();
        }
    }

    /**
     * Up to a batch of documents due and not leased: at most one per patient, so the split may work
     * them in parallel without breaking per-patient order. Each is claimed when its work starts.
     */
    public List<String> dueDocuments() {
        return dispatch.dueDocuments(properties.batchSize());
    }

    /**
     * Claims the document for this worker (a lease with a fresh token, renewed while the work runs),
     * kept in the exchange; false when another worker has it, it is no longer due, or we are stopping.
     */
    public boolean claim(@ExchangeProperty(TRACKING_ID) String trackingId, Exchange exchange) {
        Optional<Lease> lease = leases.claim(trackingId);
        lease.ifPresent(l -> exchange.setProperty(LEASE, l));
        return lease.isPresent();
    }

    /** The work is over, however it ended: the lease is no longer renewed. */
    public void endWork(@ExchangeProperty(LEASE) Lease lease) {
        leases.end(lease);
    }

    /** Loads the claimed document. */
    public Work load(@ExchangeProperty(LEASE) Lease lease) {
        return new Work(lease, dispatch.find(lease.trackingId()).orElseThrow(), null, null);
    }

    /** True while the document waits to be mapped (ACCEPTED). */
    public boolean awaitsMapping(Work work) {
        return work.stored().state() == DocumentState.ACCEPTED;
    }

    /** Reads the stored document and maps it to FHIR resources. */
    public Work mapToFhir(Work work) {
        try {
            ClinicalDocument document = reader.read(work.stored().rawDocument());
            return new Work(work.lease(), work.stored(), document, mapper.map(document));
        } catch (RuntimeException e) {
            throw new SyncFailure.MappingFailed("mapping failed: " + e.getMessage());
        }
    }

    /**
     * The gate: checks the mapped resources against the profiles (fhir-profiles/VALIDATION.md) and
     * records MAPPED, with the consistency warnings in the history.
     */
    public Work validateAndRecordMapped(Work work) {
        ValidationReport report = validator.validate(work.bundle());
        if (report.hasErrors()) {
            throw new SyncFailure.ValidationFailed(
                    "FHIR validation failed: " + report.errors().size() + " errors",
                    fhir.newJsonParser().encodeResourceToString(report.toOperationOutcome()));
        }
        List<String> warnings = mapper.warnings(work.document());
        boolean moved = transition(
                work.lease(),
                work.stored(),
                DocumentState.MAPPED,
                "mapped to " + work.bundle().getEntry().size() + " FHIR resources"
                        + (warnings.isEmpty() ? "" : "; warnings: " + String.join("; ", warnings)),
                Change.mapped(fhir.newJsonParser().encodeResourceToString(work.bundle())));
        if (!moved) {
            throw new SyncFailure.Overtaken();
        }
        return new Work(work.lease(), dispatch.find(work.trackingId()).orElseThrow(), work.document(), null);
    }

    /** True when the document is due to be sent (MAPPED, RETRY_SCHEDULED, or SENDING when a process died). */
    public boolean readyToSend(Work work) {
        return DocumentState.WORKABLE.contains(work.stored().state())
                && work.stored().state() != DocumentState.ACCEPTED;
    }

    /** True when a newer version of the same document is in the EHR or arrived first. */
    public boolean superseded(Work work) {
        return dispatch.supersedingVersion(work.stored()).isPresent();
    }

    /** Records SUPERSEDED: this version changes nothing in the EHR. */
    public void recordSuperseded(Work work) {
        StoredDocument doc = work.stored();
        dispatch.supersedingVersion(doc)
                .ifPresent(newer -> transition(
                        work.lease(),
                        doc,
                        DocumentState.SUPERSEDED,
                        "version "
                                + newer + " of this document is already in the EHR or arrived first; version "
                                + doc.version()
                                + " changes nothing",
                        Change.none()));
    }

    /**
     * Adds what send time knows: amendment statuses, retractions of what earlier versions wrote,
     * the recovery plan as of every milestone so far, Provenance; the additions pass the gate too.
     */
    public Work composeSendTime(Work work) {
        StoredDocument stored = work.stored();
        ClinicalDocument document = work.document() != null ? work.document() : reader.read(stored.rawDocument());
        SendTimeComposition.Composed composed = composition.compose(
                document,
                bundle(stored.mappedBundle()),
                history(dispatch.history(stored)),
                stored.trackingId(),
                stored.sha256(),
                dispatch.now().toInstant());
        Bundle additions = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        composed.additions().forEach(additions::addEntry);
        ValidationReport report = validator.validate(additions);
        if (report.hasErrors()) {
            throw new SyncFailure.ValidationFailed(
                    "FHIR validation failed at send time: " + report.errors().size() + " errors",
                    fhir.newJsonParser().encodeResourceToString(report.toOperationOutcome()));
        }
        return new Work(work.lease(), stored, document, composed.bundle());
    }

    /** The stored history, read: raw JSON to documents, FHIR JSON to bundles. */
    private SendTimeComposition.History history(DocumentHistory stored) {
        return new SendTimeComposition.History(
                stored.earlierVersions().stream()
                        .map(e -> new SendTimeComposition.EarlierVersion(
                                reader.read(e.rawDocument()), bundle(e.mappedBundle())))
                        .toList(),
                read(stored.procedureNotes(), ProcedureNote.class),
                read(stored.assessments(), CandidacyAssessment.class),
                read(stored.milestones(), RecoveryMilestone.class));
    }

    private <T extends ClinicalDocument> List<T> read(List<String> raw, Class<T> kind) {
        return raw.stream().map(reader::read).map(kind::cast).toList();
    }

    private Bundle bundle(String json) {
        return fhir.newJsonParser().parseResource(Bundle.class, json);
    }

    /** Records SENDING and counts the attempt, before the EHR is called: a crash mid-send is resumed. */
    public Work recordSending(Work work) {
        StoredDocument doc = work.stored();
        String why = doc.state() == DocumentState.SENDING
                ? "resuming an interrupted send (attempt " + (doc.attempts() + 1) + ")"
                : "sending to EHR (attempt " + (doc.attempts() + 1) + ")";
        if (!transition(work.lease(), doc, DocumentState.SENDING, why, Change.attempt())) {
            throw new SyncFailure.Overtaken();
        }
        return work;
    }

    /**
     * Writes the bundle to the EHR (patient match by MRN, or the patient an operator chose) and
     * sorts the answer: written goes on, every other answer is a {@link SyncFailure}.
     */
    public EhrWriteResult.Written writeToEhr(Work work) {
        EhrWriteResult result = ehr.write(new EhrWriter.Send(
                work.bundle(),
                work.document().patient(),
                Optional.ofNullable(work.stored().ehrPatientId()),
                work.trackingId(),
                work.stored().overwriteEhrEdits()));
        if (result instanceof EhrWriteResult.Written written) {
            return written;
        }
        if (result instanceof EhrWriteResult.NoPatientMatch none) {
            throw new SyncFailure.NoPatientMatch(none.reason()
                    + (none.candidates().isEmpty() ? "" : "; candidates: " + String.join(", ", none.candidates())));
        }
        EhrWriteResult.Failed failed = (EhrWriteResult.Failed) result;
        if (failed.circuitOpen()) {
            throw new SyncFailure.CircuitOpen(failed);
        }
        throw failed.retryable() ? new SyncFailure.EhrRetryable(failed) : new SyncFailure.EhrRefused(failed);
    }

    /** Records SYNCED with every resource the EHR wrote (its ids and versions). */
    public void recordSynced(EhrWriteResult.Written written, @ExchangeProperty(LEASE) Lease lease) {
        StoredDocument doc = dispatch.find(lease.trackingId()).orElseThrow();
        OffsetDateTime now = dispatch.now();
        boolean moved = dispatch.recordSynced(
                lease,
                written.entries().stream()
                        .map(e -> new TrackedDocument.WrittenResource(
                                e.resourceType(), e.id(), e.version(), e.businessIdentifier(), now))
                        .toList(),
                written.entries().size() + " resources in the EHR for Patient/" + written.patientId()
                        + (written.fallbacks().isEmpty()
                                ? ""
                                : "; written as DocumentReference notes because the EHR does not accept them: "
                                        + String.join(", ", written.fallbacks())));
        if (!moved) {
            lateAnswer(lease, written);
            return;
        }
        meters.counter("bridge.outbox.transitions", "to", DocumentState.SYNCED.name())
                .increment();
        log.info(
                "document {} SENDING -> SYNCED ({} resources)",
                doc.trackingId(),
                written.entries().size());
        Timer.builder("bridge.sync.latency")
                .description("accepted to synced")
                .publishPercentileHistogram()
                .register(meters)
                .record(Duration.between(doc.receivedAt(), now));
    }

    /** True when the send held something back for a person: a clinician's edit, an amendment the EHR cannot apply. */
    public boolean heldForReview(EhrWriteResult.Written written) {
        return written.anyHeld();
    }

    /**
     * Records what was written and what was held, and parks the document: CONFLICT when a resource
     * was changed in the EHR since we wrote it, else NEEDS_REVIEW. The history names each resource.
     */
    public void recordHeld(EhrWriteResult.Written written, @ExchangeProperty(LEASE) Lease lease) {
        String trackingId = lease.trackingId();
        OffsetDateTime now = dispatch.now();
        DocumentState to = written.anyConflict() ? DocumentState.CONFLICT : DocumentState.NEEDS_REVIEW;
        String reason = written.held().stream()
                        .map(h -> h.kind() + ": " + h.reason())
                        .collect(java.util.stream.Collectors.joining("; "))
                + "; " + written.entries().size() + " resources in the EHR";
        boolean moved = dispatch.recordHeld(
                lease,
                written.entries().stream()
                        .map(e -> new TrackedDocument.WrittenResource(
                                e.resourceType(), e.id(), e.version(), e.businessIdentifier(), now))
                        .toList(),
                written.held().stream()
                        .map(h -> new TrackedDocument.HeldResource(
                                h.kind().name(),
                                h.resourceType(),
                                h.businessIdentifier(),
                                h.serverId(),
                                h.ourVersion(),
                                h.ehrVersion(),
                                h.contentSha256(),
                                h.ehr(),
                                h.reason()))
                        .toList(),
                to,
                reason);
        if (moved) {
            meters.counter("bridge.outbox.transitions", "to", to.name()).increment();
            log.info(
                    "document {} SENDING -> {} ({} held)",
                    trackingId,
                    to,
                    written.held().size());
        } else {
            lateAnswer(lease, written);
        }
    }

    /**
     * The EHR answered after this worker's lease was taken over: no state is written (the worker
     * holding the lease records it); the history says what came, the write ledger has what was written.
     */
    private void lateAnswer(Lease lease, EhrWriteResult.Written written) {
        log.info("document {}: late EHR answer after the lease was taken over", lease.trackingId());
        dispatch.recordLateAnswer(
                lease,
                "late answer from the EHR after the lease was taken over: "
                        + written.entries().size() + " resources written (in the write ledger); the state stands");
    }

    boolean transition(Lease lease, StoredDocument doc, DocumentState to, String reason, Change change) {
        boolean moved = dispatch.transition(lease, doc, to, reason, change);
        if (moved) {
            meters.counter("bridge.outbox.transitions", "to", to.name()).increment();
            log.info("document {} {} -> {}", doc.trackingId(), doc.state(), to);
        }
        return moved;
    }
}
