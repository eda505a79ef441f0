package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The note in place of a resource the EHR takes no writes of: dated by what the resource records,
 * written by whoever performed or recorded it, typed by what it carries, and retracted with it.
 */
class FallbackNoteTest {

    final ClinicalMapper mapper = new ClinicalMapper(org.annulus.bridge.Fixtures.recoveryProtocol());
    final DocumentReader reader = new DocumentReader();
    final ProcedureNote procedureNote;
    final CandidacyAssessment baseline;
    final List<RecoveryMilestone> milestones = new ArrayList<>();

    FallbackNoteTest() throws IOException {
        JsonNode docs = new ObjectMapper()
                .readTree(Path.of("test-fixtures/golden/recovery-plan-three-milestones.input.json")
                        .toFile());
        procedureNote = (ProcedureNote) reader.read(docs.get(0));
        baseline = (CandidacyAssessment) reader.read(docs.get(1));
        for (int i = 2; i < docs.size(); i++) {
            milestones.add((RecoveryMilestone) reader.read(docs.get(i)));
        }
    }

    @Test
    void aProcedureGoesInAsAProcedureNoteDatedWhenItWasPerformedByItsPerformer() {
        Bundle.BundleEntryComponent procedure = entry(mapper.map(procedureNote), "Procedure");
        org.hl7.fhir.r4.model.Procedure performed = (org.hl7.fhir.r4.model.Procedure) procedure.getResource();

        Bundle.BundleEntryComponent replaced = FallbackNote.replacing(procedure).orElseThrow();

        DocumentReference note = (DocumentReference) replaced.getResource();
        assertThat(note.getType().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(note.getType().getCodingFirstRep().getCode()).isEqualTo("28570-0");
        assertThat(note.getType().getCodingFirstRep().getDisplay()).isEqualTo("Procedure note");
        assertThat(note.getDate().toInstant())
                .isEqualTo(performed.getPerformedPeriod().getStart().toInstant());
        assertThat(note.getContext().getPeriod().getStartElement().getValueAsString())
                .isEqualTo(performed.getPerformedPeriod().getStartElement().getValueAsString());
        assertThat(note.getContext().getPeriod().getEndElement().getValueAsString())
                .isEqualTo(performed.getPerformedPeriod().getEndElement().getValueAsString());
        assertThat(note.getAuthor()).singleElement().satisfies(author -> assertThat(
                        author.equalsDeep(performed.getPerformerFirstRep().getActor()))
                .isTrue());
        assertThat(note.getSubject().equalsDeep(performed.getSubject())).isTrue();
        assertThat(note.getStatus()).isEqualTo(Enumerations.DocumentReferenceStatus.CURRENT);
        assertThat(note.getDocStatus()).isEqualTo(DocumentReference.ReferredDocumentStatus.FINAL);
    }

    @Test
    void theNoteHasItsOwnIdentifierUnderTheResourcesFullUrl() {
        Bundle.BundleEntryComponent procedure = entry(mapper.map(procedureNote), "Procedure");
        String identifier = mapper.businessIdentifier(procedure.getResource()).orElseThrow();

        Bundle.BundleEntryComponent replaced = FallbackNote.replacing(procedure).orElseThrow();

        assertThat(replaced.getFullUrl()).isEqualTo(procedure.getFullUrl());
        assertThat(replaced.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        assertThat(replaced.getRequest().getUrl())
                .isEqualTo("DocumentReference?identifier=" + "http://annulus.org/fhir/sid/bridge-resource" + "|"
                        + identifier + "/as-note");
        assertThat(((DocumentReference) replaced.getResource())
                        .getIdentifierFirstRep()
                        .getValue())
                .isEqualTo(identifier + FallbackNote.IDENTIFIER_SUFFIX);
    }

    @Test
    void aCarePlanGoesInAsAProgressNoteForItsPeriodByItsAuthor() {
        Bundle.BundleEntryComponent carePlan = entry(plan(), "CarePlan");
        org.hl7.fhir.r4.model.CarePlan plan = (org.hl7.fhir.r4.model.CarePlan) carePlan.getResource();

        DocumentReference note = (DocumentReference)
                FallbackNote.replacing(carePlan).orElseThrow().getResource();

        assertThat(note.getType().getCodingFirstRep().getCode()).isEqualTo("11506-3");
        assertThat(note.getType().getCodingFirstRep().getDisplay()).isEqualTo("Progress note");
        assertThat(note.getContext().getPeriod().getStartElement().getValueAsString())
                .isEqualTo(plan.getPeriod().getStartElement().getValueAsString());
        assertThat(note.hasDate())
                .as("a day is not an instant: the note is not given a time the plan does not have")
                .isFalse();
        assertThat(note.getAuthor()).singleElement().satisfies(a -> assertThat(a.equalsDeep(plan.getAuthor()))
                .isTrue());
        assertThat(new String(note.getContentFirstRep().getAttachment().getData()))
                .contains("Recovery after intra-annular fibrin injection on ");
        assertThat(note.getText().getDiv().allText()).contains("Recovery after intra-annular fibrin injection on ");
    }

    @Test
    void aGoalIsFiledUnderItsStartDateAndAConditionUnderItsRecordedDate() {
        DocumentReference goalNote = (DocumentReference)
                FallbackNote.replacing(entry(plan(), "Goal")).orElseThrow().getResource();
        Bundle.BundleEntryComponent condition = entry(mapper.map(baseline), "Condition");
        DocumentReference conditionNote = (DocumentReference)
                FallbackNote.replacing(condition).orElseThrow().getResource();

        org.hl7.fhir.r4.model.Goal goal =
                (org.hl7.fhir.r4.model.Goal) entry(plan(), "Goal").getResource();
        assertThat(goalNote.getContext().getPeriod().getStartElement().getValueAsString())
                .isEqualTo(goal.getStartDateType().getValueAsString());
        Condition recorded = (Condition) condition.getResource();
        assertThat(conditionNote.getDate().toInstant())
                .isEqualTo(recorded.getRecordedDate().toInstant());
        assertThat(conditionNote.getAuthor())
                .as("recorder and asserter are one clinician: one author")
                .hasSize(1);
    }

    @Test
    void aRetractedResourceGivesAnEnteredInErrorNote() {
        Bundle.BundleEntryComponent procedure = entry(mapper.map(procedureNote), "Procedure");
        Bundle.BundleEntryComponent retraction =
                mapper.retraction(procedure.getResource()).orElseThrow();

        DocumentReference note = (DocumentReference)
                FallbackNote.replacing(retraction).orElseThrow().getResource();

        assertThat(note.getStatus()).isEqualTo(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
        assertThat(note.getDocStatus()).isEqualTo(DocumentReference.ReferredDocumentStatus.ENTEREDINERROR);
        assertThat(note.getText().getDiv().allText()).contains("Entered in error");
    }

    @Test
    void aRetractedConditionGivesAnEnteredInErrorNote() {
        Resource condition = entry(mapper.map(baseline), "Condition").getResource();

        DocumentReference note = (DocumentReference)
                FallbackNote.replacing(mapper.retraction(condition).orElseThrow())
                        .orElseThrow()
                        .getResource();

        assertThat(note.getStatus()).isEqualTo(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
    }

    @Test
    void aResourceWithoutAClinicalTimeGivesAnUndatedNoteNotOneDatedBySending() {
        Observation undated = new Observation();
        undated.addIdentifier()
                .setSystem("http://annulus.org/fhir/sid/bridge-resource")
                .setValue("test/undated");
        undated.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/p1"));
        undated.getMeta().setLastUpdated(java.util.Date.from(Instant.parse("2026-01-01T00:00:00Z")));
        Bundle.BundleEntryComponent entry =
                new Bundle.BundleEntryComponent().setFullUrl("urn:uuid:x").setResource(undated);

        DocumentReference note =
                (DocumentReference) FallbackNote.replacing(entry).orElseThrow().getResource();

        assertThat(note.hasDate()).isFalse();
        assertThat(note.getContext().hasPeriod()).isFalse();
        assertThat(note.getAuthor()).isEmpty();
    }

    @Test
    void aResourceAboutNoPatientHasNoNote() {
        Bundle.BundleEntryComponent medication = entry(mapper.map(procedureNote), "Medication");

        assertThat(FallbackNote.replacing(medication)).isEmpty();
    }

    @Test
    void aResourceWithoutOurIdentifierHasNoNote() {
        Observation foreign = new Observation();
        foreign.addIdentifier().setSystem("urn:example:other").setValue("1");
        foreign.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/p1"));

        assertThat(FallbackNote.replacing(new Bundle.BundleEntryComponent().setResource(foreign)))
                .isEmpty();
    }

    @Test
    void anAmendmentTheEhrDidNotApplyGoesInAsANoteRelatedToTheHeldResource() {
        Bundle.BundleEntryComponent condition = entry(mapper.map(baseline), "Condition");
        Condition ours = (Condition) condition.getResource();
        String identifier = mapper.businessIdentifier(ours).orElseThrow();

        Bundle.BundleEntryComponent entry = FallbackNote.amending(
                        condition, "Condition/c-17", "it was changed in the EHR after Annulus Bridge wrote it.")
                .orElseThrow();

        DocumentReference note = (DocumentReference) entry.getResource();
        assertThat(note.getContext().getRelated())
                .extracting(org.hl7.fhir.r4.model.Reference::getReference)
                .containsExactly("Condition/c-17");
        assertThat(note.getIdentifierFirstRep().getValue()).isEqualTo(identifier + FallbackNote.AMENDMENT_SUFFIX);
        assertThat(entry.getRequest().getUrl()).endsWith("|" + identifier + FallbackNote.AMENDMENT_SUFFIX);
        assertThat(entry.getFullUrl()).startsWith("urn:uuid:").isNotEqualTo(condition.getFullUrl());
        assertThat(note.getDate().toInstant())
                .as("dated with the clinical time")
                .isEqualTo(ours.getRecordedDate().toInstant());
        assertThat(note.getAuthor()).singleElement().satisfies(a -> assertThat(a.equalsDeep(ours.getRecorder()))
                .isTrue());
        assertThat(note.getStatus()).isEqualTo(Enumerations.DocumentReferenceStatus.CURRENT);
        String text = note.getText().getDiv().allText();
        assertThat(text)
                .contains("Amendment not applied to Condition/c-17: it was changed in the EHR")
                .contains("The amended record says:")
                .contains(ours.getCode().getText())
                .contains("reconcile");
        assertThat(new String(note.getContentFirstRep().getAttachment().getData()))
                .contains(ours.getCode().getText());
    }

    @Test
    void aRetractionTheEhrDidNotApplySaysSo() {
        Bundle.BundleEntryComponent retraction = mapper.retraction(
                        entry(mapper.map(baseline), "Condition").getResource())
                .orElseThrow();

        DocumentReference note = (DocumentReference) FallbackNote.amending(
                        retraction, "Condition/c-17", "this EHR does not take updates of Condition records.")
                .orElseThrow()
                .getResource();

        assertThat(note.getStatus())
                .as("the note itself is current: it asks for the retraction")
                .isEqualTo(Enumerations.DocumentReferenceStatus.CURRENT);
        assertThat(note.getText().getDiv().allText())
                .contains("Retraction not applied to Condition/c-17")
                .contains("entered in error");
    }

    @Test
    void onceTheAmendmentIsAppliedItsNoteIsEnteredInErrorUnderTheSameIdentifier() {
        Bundle.BundleEntryComponent condition = entry(mapper.map(baseline), "Condition");
        Bundle.BundleEntryComponent pending =
                FallbackNote.amending(condition, "Condition/c-17", "why").orElseThrow();

        Bundle.BundleEntryComponent applied =
                FallbackNote.amendmentApplied(condition, "Condition/c-17").orElseThrow();

        DocumentReference note = (DocumentReference) applied.getResource();
        assertThat(applied.getRequest().getUrl()).isEqualTo(pending.getRequest().getUrl());
        assertThat(applied.getFullUrl()).isEqualTo(pending.getFullUrl());
        assertThat(note.getStatus()).isEqualTo(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
        assertThat(note.getContext().getRelatedFirstRep().getReference()).isEqualTo("Condition/c-17");
        assertThat(note.getText().getDiv().allText()).contains("was applied");
    }

    @Test
    void onlyProceduresAreProcedureNotes() {
        assertThat(FallbackNote.typeFor("Procedure").getCode()).isEqualTo("28570-0");
        assertThat(FallbackNote.typeFor("CarePlan").getCode()).isEqualTo("11506-3");
        assertThat(FallbackNote.typeFor("Goal").getCode()).isEqualTo("11506-3");
    }

    private Bundle plan() {
        Bundle bundle = new Bundle();
        mapper.recoveryPlan(procedureNote, Optional.of(baseline), milestones).forEach(bundle::addEntry);
        return bundle;
    }

    private static Bundle.BundleEntryComponent entry(Bundle bundle, String type) {
        return bundle.getEntry().stream()
                .filter(e -> e.getResource().fhirType().equals(type))
                .findFirst()
                .orElseThrow();
    }
}
