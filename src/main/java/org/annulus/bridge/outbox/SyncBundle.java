package org.annulus.bridge.outbox;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.annulus.bridge.document.Side;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.annulus.bridge.outbox.DocumentStore.StoredDocument;
import org.annulus.bridge.profiles.ResourceValidator;
import org.annulus.bridge.profiles.ValidationReport;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Everything one send writes, composed at send time from what the store knows then: the document's
 * own resources, retractions of what its earlier versions wrote and it no longer does, and the
 * recovery plan as of every milestone recorded so far. Composing at send time, not at mapping
 * time, is what makes late and out-of-order documents end in the same EHR state.
 */
@Component
class SyncBundle {

    private final DocumentStore store;
    private final ClinicalMapper mapper;
    private final FhirContext fhir;
    private final DocumentReader reader = new DocumentReader();

    private final ResourceValidator validator;

    SyncBundle(DocumentStore store, ClinicalMapper mapper, FhirContext fhir, ResourceValidator validator) {
        this.validator = validator;
        this.store = store;
        this.mapper = mapper;
        this.fhir = fhir;
    }

    Composed compose(StoredDocument stored, ClinicalDocument document) {
        Optional<Side> baselineSide = baselineSide(stored, document);
        Bundle bundle = baselineSide.isPresent()
                ? mapper.map(((RecoveryMilestone) document).withLegPainSide(baselineSide.get()))
                : fhir.newJsonParser().parseResource(Bundle.class, stored.mappedBundle());
        if (stored.version() > 1) {
            mapper.amendmentStatuses(
                    bundle,
                    store.earlierDocuments(stored.kind(), stored.documentId(), stored.version()).stream()
                            .map(raw -> mapper.map(withSide(reader.read(raw), baselineSide)))
                            .toList());
        }
        int mapped = bundle.getEntry().size();
        List<Bundle.BundleEntryComponent> replaced = new ArrayList<>();
        if (baselineSide.isPresent()) {
            // Re-mapped at send time: the whole bundle passes the gate again.
            replaced.addAll(bundle.getEntry());
        }
        addRetractions(stored, bundle);
        for (ProcedureNote note : recoveryPlanNotes(stored, document)) {
            mapper.recoveryPlan(note, baseline(stored, note), milestones(stored, note))
                    .forEach(entry -> addOrReplace(bundle, mapped, entry, replaced));
        }
        List<String> targets = bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getFullUrl)
                .toList();
        bundle.addEntry(mapper.provenance(
                document, stored.trackingId(), stored.sha256(), store.now().toInstant(), targets));
        Bundle additions = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        replaced.forEach(e -> additions.addEntry(e.copy()));
        bundle.getEntry().subList(mapped, bundle.getEntry().size()).forEach(e -> additions.addEntry(e.copy()));
        return new Composed(bundle, validator.validate(additions));
    }

    /**
     * The side of a v1 follow-up's leg pain, which v1 cannot state: the side of the baseline
     * assessment the treated procedure names, so the follow-up trends against it (issue 9, point 3).
     */
    private Optional<Side> baselineSide(StoredDocument stored, ClinicalDocument document) {
        if (!(document instanceof RecoveryMilestone milestone) || milestone.legPainSide() != null) {
            return Optional.empty();
        }
        return recoveryPlanNotes(stored, document).stream()
                .findFirst()
                .flatMap(note -> baseline(stored, note))
                .filter(b -> b.status() != org.annulus.bridge.document.DocumentStatus.ENTERED_IN_ERROR)
                .flatMap(CandidacyAssessment::leg)
                .map(CandidacyAssessment.LegPain::side);
    }

    private static ClinicalDocument withSide(ClinicalDocument document, Optional<Side> side) {
        return side.isPresent() && document instanceof RecoveryMilestone m && m.legPainSide() == null
                ? m.withLegPainSide(side.get())
                : document;
    }

    /**
     * A send-time entry for a resource the mapped bundle already holds (the assessment's sciatica,
     * which the recovery plan puts in remission) replaces it: one resource per identifier per bundle.
     */
    private void addOrReplace(
            Bundle bundle, int mapped, Bundle.BundleEntryComponent entry, List<Bundle.BundleEntryComponent> replaced) {
        Optional<String> id = mapper.businessIdentifier(entry.getResource());
        for (int i = 0; i < mapped && id.isPresent(); i++) {
            if (id.equals(mapper.businessIdentifier(bundle.getEntry().get(i).getResource()))) {
                bundle.getEntry().set(i, entry);
                replaced.add(entry);
                return;
            }
        }
        bundle.addEntry(entry);
    }

    /** The bundle to send, and the validation of what was added to the mapped bundle at send time. */
    record Composed(Bundle bundle, ValidationReport additions) {}

    private void addRetractions(StoredDocument stored, Bundle bundle) {
        Set<String> current = new HashSet<>();
        bundle.getEntry()
                .forEach(e -> mapper.businessIdentifier(e.getResource()).ifPresent(current::add));
        Set<String> retracted = new HashSet<>();
        for (String earlier : store.earlierMappings(stored.kind(), stored.documentId(), stored.version())) {
            for (Bundle.BundleEntryComponent entry :
                    fhir.newJsonParser().parseResource(Bundle.class, earlier).getEntry()) {
                Optional<String> id = mapper.businessIdentifier(entry.getResource());
                if (id.isPresent() && !current.contains(id.get()) && retracted.add(id.get())) {
                    mapper.retraction(entry.getResource()).ifPresent(bundle::addEntry);
                }
            }
        }
    }

    /**
     * The procedure notes whose recovery plan this document changes, each in its newest usable
     * version: the note itself, a milestone's note, or the notes that treated an assessment (its
     * scores are the plan's baseline, and its sciatica the plan may have put in remission).
     */
    private List<ProcedureNote> recoveryPlanNotes(StoredDocument stored, ClinicalDocument document) {
        if (document instanceof ProcedureNote note) {
            return List.of(note);
        }
        String column = document instanceof RecoveryMilestone ? "document_id" : "related_document_id";
        String value = document instanceof RecoveryMilestone milestone
                ? milestone.procedureDocumentId()
                : document.documentId();
        return store.latestVersions(DocumentKind.PROCEDURE_NOTE.code(), stored.patientKey(), column, value).stream()
                .map(raw -> (ProcedureNote) reader.read(raw))
                .filter(note -> document instanceof RecoveryMilestone
                        || note.candidacyDocumentId().equals(document.documentId()))
                .toList();
    }

    private Optional<CandidacyAssessment> baseline(StoredDocument stored, ProcedureNote note) {
        return store
                .latestVersions(
                        DocumentKind.CANDIDACY_ASSESSMENT.code(),
                        stored.patientKey(),
                        "document_id",
                        note.candidacyDocumentId())
                .stream()
                .map(raw -> (CandidacyAssessment) reader.read(raw))
                .findFirst();
    }

    private List<RecoveryMilestone> milestones(StoredDocument stored, ProcedureNote note) {
        List<RecoveryMilestone> milestones = new ArrayList<>();
        for (String raw : store.latestVersions(
                DocumentKind.RECOVERY_MILESTONE.code(),
                stored.patientKey(),
                "related_document_id",
                note.documentId())) {
            milestones.add((RecoveryMilestone) reader.read(raw));
        }
        return milestones;
    }
}
