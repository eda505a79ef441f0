package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.document.ClinicalEvent;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * A recovery milestone as what was measured at that follow-up: the milestone reached, pain scores
 * (the leg pain with its side, to trend against the baseline), ODI, the patient's global impression
 * of change, adverse events as Conditions, and a progress note a clinician reads first. The plan it
 * advances is rewritten by {@link RecoveryPlanMapper}.
 */
final class MilestoneMapper {

    static final String MILESTONE = "observation-milestone";
    static final String PGIC = "observation-pgic";

    private final RecoveryProtocol protocol;

    MilestoneMapper(RecoveryProtocol protocol) {
        this.protocol = protocol;
    }

    Bundle map(RecoveryMilestone doc) {
        DocumentParts parts = new DocumentParts(doc);
        DateTimeType measured = DocumentParts.dateTime(doc.recordedAt());
        Complications.add(parts, doc.adverseEvents(), measured, null, "Adverse event after the procedure");
        parts.add(MILESTONE, milestone(parts, doc, measured));
        Observation legPain = Observations.addLegPain(parts, doc.legPainNrs(), legSite(doc), measured);
        if (doc.legPainSide() == org.annulus.bridge.document.Side.BILATERAL) {
            BodySites.laterality(legPain, doc.legPainSide());
        }
        Observations.addBackPain(parts, doc.backPainNrs(), measured);
        if (doc.odi() != null) {
            Observations.addOdi(parts, doc.odi(), measured);
        }
        if (doc.pgic() != null) {
            parts.add(PGIC, pgic(parts, doc, measured));
        }
        ProgressNote.add(parts, doc, protocol);
        return parts.bundle();
    }

    /** The leg's side when the follow-up states it (v1.1); else the leg without a side, as in v1. */
    private static CodeableConcept legSite(RecoveryMilestone doc) {
        return doc.legPainSide() != null ? BodySites.leg(doc.legPainSide()) : new CodeableConcept().setText("Leg");
    }

    /** The milestone Observation of a milestone document, by business identifier. */
    static Reference milestoneRef(RecoveryMilestone doc) {
        return new Reference()
                .setType("Observation")
                .setDisplay(display(doc.milestone()))
                .setIdentifier(new Identifier()
                        .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                        .setValue(DocumentParts.identifierValue(doc, doc.kind().code(), doc.documentId(), MILESTONE)));
    }

    private Observation milestone(DocumentParts parts, RecoveryMilestone doc, DateTimeType measured) {
        Observation obs = Observations.base(
                parts,
                MILESTONE,
                "activity",
                "Activity",
                new CodeableConcept(Terminology.RECOVERY_MILESTONE.copy()).setText("Recovery milestone"));
        obs.setEffective(measured.copy());
        obs.setValue(new CodeableConcept(new Coding(Terminology.MILESTONE, doc.milestone(), display(doc.milestone())))
                .setText(display(doc.milestone())));
        obs.addComponent()
                .setCode(new CodeableConcept(Terminology.annulus("days-since-procedure", "Days since procedure")))
                .setValue(new Quantity()
                        .setValue(doc.daysSinceProcedure())
                        .setUnit("d")
                        .setSystem(Terminology.UCUM)
                        .setCode("d"));
        obs.addBasedOn(new Reference()
                .setType("CarePlan")
                .setIdentifier(new Identifier()
                        .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                        .setValue(DocumentParts.identifierValue(
                                doc, "procedure-note", doc.procedureDocumentId(), RecoveryPlanMapper.CAREPLAN))));
        List<String> lines = new ArrayList<>(
                List.of(display(doc.milestone()) + ", day " + doc.daysSinceProcedure() + " after the procedure"));
        for (ClinicalEvent event : doc.adverseEvents()) {
            obs.addComponent().setCode(Events.concept(event)).setValue(new StringType(event.severity()));
            lines.add("Adverse event: " + Events.describe(event));
        }
        if (doc.note() != null) {
            obs.addNote().setText(doc.note());
            lines.add(doc.note());
        }
        lines.add(parts.sourceLine());
        obs.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return obs;
    }

    private static Observation pgic(DocumentParts parts, RecoveryMilestone doc, DateTimeType measured) {
        Observation obs = Observations.base(
                parts,
                PGIC,
                "survey",
                "Survey",
                new CodeableConcept(ProcedureCodes.PGIC.copy()).setText("Patient global impression of change"));
        obs.getMeta().addProfile(Profiles.SCREENING_ASSESSMENT);
        obs.setEffective(measured.copy());
        Coding answer = ProcedureCodes.pgicAnswer(doc.pgic());
        obs.setValue(new CodeableConcept(answer).setText(answer.getDisplay()));
        obs.setText(DocumentParts.narrative(
                "Patient global impression of change since the procedure: "
                        + answer.getDisplay().toLowerCase() + " (" + doc.pgic() + " on 1-7)",
                parts.sourceLine()));
        return obs;
    }

    static String display(String milestone) {
        return switch (milestone) {
            case "light-walking" -> "Light walking";
            case "physical-therapy-started" -> "Physical therapy started";
            case "physical-therapy-completed" -> "Physical therapy completed";
            case "normal-activity" -> "Normal daily activity";
            case "return-to-work" -> "Return to work";
            case "follow-up-6-weeks" -> "6-week follow-up";
            case "follow-up-3-months" -> "3-month follow-up";
            case "follow-up-6-months" -> "6-month follow-up";
            default -> "Full benefit reached";
        };
    }
}
