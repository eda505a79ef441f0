package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * What the course of recovery changes in the episode's earlier documents, composed with the plan:
 * the assessment's sciatica in remission after full benefit, and the procedure's Procedures linking
 * the adverse events recorded at follow-ups. Each is an update by the other document's own business
 * identifier, with links to that document's other resources as logical references.
 */
final class EpisodeUpdates {

    private EpisodeUpdates() {}

    /**
     * Rule 3 (fhir-profiles/README.md): once the clinician records {@code full-benefit}, the
     * sciatica of the assessment the procedure treated is in remission (condition-clinical: no
     * longer experiencing the symptoms, with a risk of return: the disc can tear again), abated at
     * that milestone. Written as an update of the assessment's own Condition, by its identifier.
     */
    static Optional<Bundle.BundleEntryComponent> sciaticaInRemission(
            CandidacyAssessment baseline, List<RecoveryMilestone> recorded) {
        Optional<RecoveryMilestone> fullBenefit = recorded.stream()
                .filter(m -> m.milestone().equals("full-benefit"))
                .findFirst();
        if (fullBenefit.isEmpty()) {
            return Optional.empty();
        }
        DocumentParts assessment = new DocumentParts(baseline);
        String identifier = assessment.identifierValue(CandidacyMapper.SCIATICA);
        Bundle assessed = new CandidacyMapper().map(baseline);
        return assessed.getEntry().stream()
                .filter(e -> Retraction.businessIdentifier(e.getResource())
                        .filter(identifier::equals)
                        .isPresent())
                .findFirst()
                .map(e -> {
                    org.hl7.fhir.r4.model.Condition sciatica =
                            (org.hl7.fhir.r4.model.Condition) e.getResource().copy();
                    logicalReferences(sciatica, assessed);
                    sciatica.setClinicalStatus(
                            new CodeableConcept(new Coding(Terminology.CONDITION_CLINICAL, "remission", "Remission")));
                    sciatica.setAbatement(
                            DocumentParts.dateTime(fullBenefit.get().recordedAt()));
                    sciatica.getText()
                            .getDiv()
                            .addTag("p")
                            .addText("In remission since "
                                    + fullBenefit.get().recordedAt().toLocalDate() + ": full benefit recorded at day "
                                    + fullBenefit.get().daysSinceProcedure()
                                    + " after the fibrin injection (recovery milestone "
                                    + fullBenefit.get().documentId() + ")");
                    return DocumentParts.updateEntry(
                            assessment.fullUrl(CandidacyMapper.SCIATICA), sciatica, identifier);
                });
    }

    /**
     * Adverse events recorded at follow-ups are complications of the procedure too: when there are
     * any, each Procedure of the note is written again with {@code complicationDetail} naming the
     * follow-ups' adverse-event Conditions (by business identifier) beside its own complications.
     */
    static List<Bundle.BundleEntryComponent> proceduresWithAdverseEvents(
            ProcedureNote note, List<RecoveryMilestone> recorded) {
        List<Reference> adverse = new ArrayList<>();
        List<CodeableConcept> codes = new ArrayList<>();
        for (RecoveryMilestone m : recorded) {
            List<String> names = Complications.partNames(m.adverseEvents());
            for (int i = 0; i < names.size(); i++) {
                codes.add(Events.concept(m.adverseEvents().get(i)));
                adverse.add(new Reference()
                        .setType("Condition")
                        .setDisplay(Events.describe(m.adverseEvents().get(i)))
                        .setIdentifier(new Identifier()
                                .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                                .setValue(new DocumentParts(m).identifierValue(names.get(i)))));
            }
        }
        if (adverse.isEmpty()) {
            return List.of();
        }
        Bundle mapped = new ProcedureMapper().map(note);
        DocumentParts parts = new DocumentParts(note);
        List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
        for (ProcedureNote.TreatedLevel level : note.levels()) {
            String identifier = parts.identifierValue(ProcedureMapper.procedurePart(level));
            mapped.getEntry().stream()
                    .filter(e -> Retraction.businessIdentifier(e.getResource())
                            .filter(identifier::equals)
                            .isPresent())
                    .findFirst()
                    .ifPresent(e -> {
                        org.hl7.fhir.r4.model.Procedure procedure = (org.hl7.fhir.r4.model.Procedure)
                                e.getResource().copy();
                        logicalReferences(procedure, mapped);
                        adverse.forEach(a -> procedure.addComplicationDetail(a.copy()));
                        codes.forEach(c -> procedure.addComplication(c.copy()));
                        procedure
                                .getText()
                                .getDiv()
                                .addTag("p")
                                .addText("Adverse events at follow-up: "
                                        + String.join(
                                                "; ",
                                                adverse.stream()
                                                        .map(Reference::getDisplay)
                                                        .toList()));
                        entries.add(DocumentParts.updateEntry(
                                parts.fullUrl(ProcedureMapper.procedurePart(level)), procedure, identifier));
                    });
        }
        return entries;
    }

    /**
     * The assessment's Condition travels without the rest of its bundle, so its links to the
     * assessment's other resources (tear, imaging) become logical references by business identifier,
     * as the procedure's reasonReference is: a transaction must not carry a urn:uuid it does not hold.
     */
    private static void logicalReferences(org.hl7.fhir.r4.model.Resource resource, Bundle source) {
        java.util.Map<String, org.hl7.fhir.r4.model.Resource> byUrl = new java.util.HashMap<>();
        source.getEntry().forEach(e -> byUrl.put(e.getFullUrl(), e.getResource()));
        for (Reference ref : new ca.uhn.fhir.util.FhirTerser(ca.uhn.fhir.context.FhirContext.forR4Cached())
                .getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            org.hl7.fhir.r4.model.Resource target = ref.hasReference() ? byUrl.get(ref.getReference()) : null;
            if (target != null) {
                ref.setReference(null)
                        .setType(target.fhirType())
                        .setIdentifier(new Identifier()
                                .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                                .setValue(Retraction.businessIdentifier(target).orElseThrow()));
            }
        }
    }
}
