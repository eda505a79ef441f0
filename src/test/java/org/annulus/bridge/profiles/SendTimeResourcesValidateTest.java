package org.annulus.bridge.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.annulus.bridge.mapping.FallbackNote;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * What send time adds to a bundle (recovery plan, retractions, Provenance) must pass
 * the same validation as what the mappers produce.
 */
class SendTimeResourcesValidateTest {

    final ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
    final DocumentReader reader = new DocumentReader();

    @Test
    void recoveryPlanRetractionsAndProvenanceValidate() throws IOException {
        ProcedureNote note = procedureNote();
        Bundle bundle = sendTimeBundle(note);
        List<String> targets = bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getFullUrl)
                .toList();
        bundle.addEntry(mapper.provenance(
                note,
                "00000000-0000-0000-0000-000000000001",
                "9efa97e577747592baf6de78aa5a50f3da3b3861a159f29f457be30e34008360",
                Instant.parse("2026-03-20T14:00:00Z"),
                targets));

        ValidationReport report = Validators.PROJECT.validate(bundle);

        assertThat(bundle.getEntry())
                .filteredOn(
                        e -> e.getResource() instanceof org.hl7.fhir.r4.model.Procedure p && p.hasComplicationDetail())
                .isNotEmpty();
        assertThat(bundle.getEntry())
                .anyMatch(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Condition c
                        && c.hasClinicalStatus()
                        && "remission"
                                .equals(c.getClinicalStatus()
                                        .getCodingFirstRep()
                                        .getCode()));

        assertThat(report.errors()).as(() -> Validators.errorsOf(report)).isEmpty();
    }

    /**
     * An EHR that takes notes only gets every resource of a procedure note, its recovery plan and a
     * baseline's retractions as notes (FallbackNote): each must pass US Core DocumentReference.
     */
    @Test
    void notesInPlaceOfResourcesTheEhrRefusesValidate() throws IOException {
        Bundle mapped = sendTimeBundle(procedureNote());
        Bundle notes = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        mapped.getEntry().stream()
                .filter(e -> !(e.getResource() instanceof org.hl7.fhir.r4.model.DocumentReference))
                .forEach(e -> FallbackNote.replacing(e).ifPresent(notes::addEntry));

        ValidationReport report = Validators.PROJECT.validate(notes);

        assertThat(notes.getEntry())
                .extracting(e -> ((org.hl7.fhir.r4.model.DocumentReference) e.getResource())
                        .getType()
                        .getCodingFirstRep()
                        .getCode())
                .contains("28570-0", "11506-3");
        assertThat(notes.getEntry())
                .anyMatch(e -> ((org.hl7.fhir.r4.model.DocumentReference) e.getResource()).getStatus()
                        == org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
        assertThat(report.errors()).as(() -> Validators.errorsOf(report)).isEmpty();
    }

    /**
     * The notes about amendments an EHR did not apply (pending and applied), and a note replacing an
     * earlier one where the EHR takes no note updates ({@code relatesTo} replaces), pass US Core
     * DocumentReference too.
     */
    @Test
    void amendmentNotesAndReplacingNotesValidate() throws IOException {
        Bundle mapped = sendTimeBundle(procedureNote());
        Bundle notes = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        int i = 0;
        for (Bundle.BundleEntryComponent e : mapped.getEntry()) {
            String held = e.getResource().fhirType() + "/held-" + i++;
            FallbackNote.amending(e, held, "it was changed in the EHR after Annulus Bridge wrote it.")
                    .ifPresent(notes::addEntry);
            FallbackNote.amendmentApplied(e, held).ifPresent(notes::addEntry);
            FallbackNote.replacing(e).ifPresent(n -> {
                ((org.hl7.fhir.r4.model.DocumentReference) n.getResource())
                        .addRelatesTo()
                        .setCode(org.hl7.fhir.r4.model.DocumentReference.DocumentRelationshipType.REPLACES)
                        .setTarget(new org.hl7.fhir.r4.model.Reference("DocumentReference/earlier-note"));
                notes.addEntry(n);
            });
        }

        ValidationReport report = Validators.PROJECT.validate(notes);

        assertThat(notes.getEntry())
                .filteredOn(e -> ((org.hl7.fhir.r4.model.DocumentReference) e.getResource()).hasRelatesTo())
                .isNotEmpty();
        assertThat(notes.getEntry())
                .filteredOn(e -> ((org.hl7.fhir.r4.model.DocumentReference) e.getResource())
                        .getContext()
                        .hasRelated())
                .hasSizeGreaterThan(2);
        assertThat(report.errors()).as(() -> Validators.errorsOf(report)).isEmpty();
    }

    @Test
    void aConfiguredClinicIsNamedOnWhoseBehalfTheProvenanceWasWrittenAndValidates() throws IOException {
        ClinicalMapper forClinic = new ClinicalMapper(
                Fixtures.recoveryProtocol(),
                new org.annulus.bridge.mapping.VisitProperties(null),
                new org.annulus.bridge.mapping.ClinicProperties(
                        "http://hl7.org/fhir/sid/us-npi", "1144221847", "Riverside Spine Center"));
        ProcedureNote note = (ProcedureNote) reader.read(new ObjectMapper()
                .readTree(Path.of("test-fixtures/golden/procedure-single-level.input.json")
                        .toFile()));
        Bundle bundle = forClinic.map(note);
        List<String> targets = bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getFullUrl)
                .toList();
        Bundle.BundleEntryComponent entry = forClinic.provenance(
                note,
                "00000000-0000-0000-0000-000000000002",
                "9efa97e577747592baf6de78aa5a50f3da3b3861a159f29f457be30e34008360",
                Instant.parse("2026-03-20T14:00:00Z"),
                targets);
        bundle.addEntry(entry);

        org.hl7.fhir.r4.model.Provenance provenance = (org.hl7.fhir.r4.model.Provenance) entry.getResource();
        assertThat(provenance.getAgent()).hasSize(2).allSatisfy(a -> {
            assertThat(a.getOnBehalfOf().getIdentifier().getValue()).isEqualTo("1144221847");
            assertThat(a.getOnBehalfOf().getDisplay()).isEqualTo("Riverside Spine Center");
        });
        assertThat(((org.hl7.fhir.r4.model.Provenance) mapper.provenance(note, "t", "0", Instant.EPOCH, targets)
                                .getResource())
                        .getAgent())
                .as("not configured: no organisation")
                .noneMatch(a -> a.hasOnBehalfOf());
        ValidationReport report = Validators.PROJECT.validate(bundle);
        assertThat(report.errors()).as(() -> Validators.errorsOf(report)).isEmpty();
    }

    @Test
    void visitReferencesToTheEhrEncounterValidate() throws IOException {
        ClinicalMapper withVisits = new ClinicalMapper(
                Fixtures.recoveryProtocol(),
                new org.annulus.bridge.mapping.VisitProperties("urn:oid:2.16.840.1.113883.19.5.99999.2"),
                new org.annulus.bridge.mapping.ClinicProperties(null, null, null));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (String name : List.of("procedure-v1-1-sedation-antibiotic-contrast", "milestone-adverse-event-discitis")) {
            withVisits
                    .map(reader.read(new ObjectMapper()
                            .readTree(Path.of("test-fixtures/golden", name + ".input.json")
                                    .toFile())))
                    .getEntry()
                    .forEach(bundle::addEntry);
        }

        ValidationReport report = Validators.PROJECT.validate(bundle);

        assertThat(report.errors()).as(() -> Validators.errorsOf(report)).isEmpty();
    }

    private ProcedureNote procedureNote() throws IOException {
        return (ProcedureNote) reader.read(recoveryPlanInput().get(0));
    }

    private static JsonNode recoveryPlanInput() throws IOException {
        return new ObjectMapper()
                .readTree(Path.of("test-fixtures/golden/recovery-plan-three-milestones.input.json")
                        .toFile());
    }

    /**
     * The procedure note's bundle with what the outbox adds at send time: its recovery plan (with a
     * full-benefit milestone and an adverse event) and the retraction of what the baseline wrote.
     */
    private Bundle sendTimeBundle(ProcedureNote note) throws IOException {
        JsonNode docs = recoveryPlanInput();
        CandidacyAssessment baseline = (CandidacyAssessment) reader.read(docs.get(1));
        List<RecoveryMilestone> milestones = new ArrayList<>();
        for (int i = 2; i < docs.size(); i++) {
            milestones.add((RecoveryMilestone) reader.read(docs.get(i)));
        }
        // A full-benefit milestone: the plan also puts the assessment's sciatica in remission.
        com.fasterxml.jackson.databind.node.ObjectNode fullBenefit =
                docs.get(docs.size() - 1).deepCopy();
        fullBenefit
                .put("documentId", "RM-2026-000331")
                .put("milestone", "full-benefit")
                .put("daysSinceProcedure", 150)
                .put("recordedAt", "2026-08-17T09:00:00-05:00");
        // ... and an adverse event: the plan writes the Procedure again, linking its Condition.
        fullBenefit
                .putArray("adverseEvents")
                .addObject()
                .put("code", "transient-radicular-pain")
                .put("severity", "mild");
        milestones.add((RecoveryMilestone) reader.read(fullBenefit));
        Bundle bundle = mapper.map(note);
        mapper.recoveryPlan(note, Optional.of(baseline), milestones).forEach(bundle::addEntry);
        mapper.map(baseline).getEntry().forEach(e -> mapper.retraction(e.getResource())
                .ifPresent(bundle::addEntry));
        return bundle;
    }
}
