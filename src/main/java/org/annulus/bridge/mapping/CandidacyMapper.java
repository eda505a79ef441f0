package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.ImagingFinding;
import org.annulus.bridge.document.CandidacyAssessment.ImagingStudy;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.DocumentStatus;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/** A candidacy assessment as the patient's problems and the findings behind them. */
final class CandidacyMapper {

    Bundle map(CandidacyAssessment doc) {
        DocumentParts parts = new DocumentParts(doc);
        List<Reference> tearEvidence = new ArrayList<>();
        for (ImagingStudy study : doc.imaging()) {
            for (ImagingFinding finding : study.findings()) {
                String part = "observation-imaging-" + study.modality() + "-" + study.date() + "-" + finding.level().code();
                parts.add(part, imagingFinding(parts, study, finding));
                if (finding.annularTear()) {
                    tearEvidence.add(parts.ref(part));
                }
            }
        }
        parts.add("condition-sciatica", sciatica(parts, tearEvidence));
        for (ImagingStudy study : doc.imaging()) {
            for (ImagingFinding finding : study.findings()) {
                String part = "condition-annular-tear-" + finding.level().code();
                if (finding.annularTear() && parts.bundle().getEntry().stream().noneMatch(e -> e.getFullUrl().equals(parts.fullUrl(part)))) {
                    parts.add(part, annularTear(parts, finding.level(), parts.ref(
                            "observation-imaging-" + study.modality() + "-" + study.date() + "-" + finding.level().code())));
                }
            }
        }
        DateTimeType assessed = DocumentParts.dateTime(doc.recordedAt());
        if (doc.legPain() != null && doc.legPain().nrs() != null) {
            Observations.addLegPain(parts, doc.legPain().nrs(), legSite(doc.legPain().side()), assessed);
        }
        if (doc.backPainNrs() != null) {
            Observations.addBackPain(parts, doc.backPainNrs(), assessed);
        }
        if (doc.odi() != null) {
            Observations.addOdi(parts, doc.odi(), assessed);
        }
        return parts.bundle();
    }

    private Condition sciatica(DocumentParts parts, List<Reference> evidence) {
        CandidacyAssessment doc = (CandidacyAssessment) parts.document();
        Side side = doc.legPain().side();
        CodeableConcept code = new CodeableConcept().addCoding(Terminology.SCIATICA.copy());
        // ICD-10-CM has no bilateral sciatica code: both sides are coded (TERMINOLOGY.md, note on M54.30).
        if (side != Side.LEFT) {
            code.addCoding(Terminology.SCIATICA_RIGHT.copy());
        }
        if (side != Side.RIGHT) {
            code.addCoding(Terminology.SCIATICA_LEFT.copy());
        }
        String sideText = switch (side) {
            case LEFT -> "left";
            case RIGHT -> "right";
            case BILATERAL -> "bilateral";
        };
        code.setText("Sciatica, " + sideText + (doc.legPain().dermatomes().isEmpty() ? ""
                : " (" + String.join(", ", doc.legPain().dermatomes()) + " dermatome)"));
        Condition condition = condition(parts, "condition-sciatica", code);
        condition.addBodySite(legSite(side));
        if (doc.legPain().onset() != null) {
            condition.setOnset(new DateTimeType(doc.legPain().onset().toString()));
        }
        if (!evidence.isEmpty()) {
            condition.addEvidence().setDetail(evidence);
        }
        condition.setText(DocumentParts.narrative(code.getText(),
                "Onset: " + (doc.legPain().onset() == null ? "not recorded" : doc.legPain().onset()),
                "Source: candidacy assessment " + doc.documentId() + " v" + doc.version()));
        return condition;
    }

    private Condition annularTear(DocumentParts parts, DiscLevel level, Reference evidence) {
        CodeableConcept code = new CodeableConcept().addCoding((level == DiscLevel.T12_L1 ? Terminology.ANNULAR_TEAR
                        : Terminology.ANNULAR_TEAR_LUMBAR).copy())
                .addCoding((level == DiscLevel.L5_S1 ? Terminology.DISC_RADICULOPATHY_LUMBOSACRAL
                        : Terminology.DISC_RADICULOPATHY_LUMBAR).copy())
                .setText("Annular tear of the " + level.code() + " disc");
        if (level == DiscLevel.T12_L1) {
            // M51.16 is the lumbar region; T12-L1 is thoracolumbar and has no verified code here.
            code.getCoding().remove(1);
        }
        Condition condition = condition(parts, "condition-annular-tear-" + level.code(), code);
        condition.addBodySite(new CodeableConcept(Terminology.DISC.get(level).copy()).setText(level.code() + " disc"));
        condition.addEvidence().addDetail(evidence);
        condition.setText(DocumentParts.narrative(code.getText(),
                "Source: candidacy assessment " + parts.document().documentId() + " v" + parts.document().version()));
        return condition;
    }

    private Condition condition(DocumentParts parts, String part, CodeableConcept code) {
        CandidacyAssessment doc = (CandidacyAssessment) parts.document();
        Condition condition = new Condition();
        condition.addIdentifier(parts.identifier(part));
        if (parts.retracted()) {
            // con-5: no clinicalStatus once entered in error.
            condition.setVerificationStatus(new CodeableConcept(new Coding(Terminology.CONDITION_VER_STATUS,
                    "entered-in-error", "Entered in Error")));
        } else {
            condition.setClinicalStatus(new CodeableConcept(new Coding(Terminology.CONDITION_CLINICAL, "active", "Active")));
            condition.setVerificationStatus(new CodeableConcept(new Coding(Terminology.CONDITION_VER_STATUS,
                    "confirmed", "Confirmed")));
        }
        condition.addCategory(new CodeableConcept(new Coding(Terminology.CONDITION_CATEGORY, "problem-list-item",
                "Problem List Item")));
        condition.setCode(code);
        condition.setSubject(parts.patient());
        condition.setRecordedDateElement(DocumentParts.dateTime(doc.recordedAt()));
        condition.setRecorder(parts.author());
        condition.setAsserter(parts.author());
        return condition;
    }

    private Observation imagingFinding(DocumentParts parts, ImagingStudy study, ImagingFinding finding) {
        Observation obs = Observations.base(parts, "observation-imaging-" + study.modality() + "-" + study.date() + "-"
                + finding.level().code(), "imaging", "Imaging",
                new CodeableConcept(Terminology.DISC_IMAGING_FINDING.copy()).setText(study.modality() + " finding, "
                        + finding.level().code() + " disc"));
        obs.setEffective(new DateTimeType(study.date().toString()));
        obs.setBodySite(new CodeableConcept(Terminology.DISC.get(finding.level()).copy()).setText(finding.level().code() + " disc"));
        obs.setMethod(new CodeableConcept().setText(study.modality()));
        obs.setValue(new CodeableConcept().setText(finding.annularTear()
                ? "Annular tear" + (finding.tearLocation() == null ? "" : ", " + finding.tearLocation().replace('-', ' '))
                : "No annular tear"));
        obs.addComponent().setCode(new CodeableConcept(Terminology.annulus("annular-tear-present", "Annular tear present")))
                .setValue(new BooleanType(finding.annularTear()));
        if (finding.highIntensityZone() != null) {
            obs.addComponent().setCode(new CodeableConcept(Terminology.annulus("high-intensity-zone", "High-intensity zone")))
                    .setValue(new BooleanType(finding.highIntensityZone()));
        }
        if (finding.discHeightPreservedPercent() != null) {
            obs.addComponent().setCode(new CodeableConcept(Terminology.annulus("disc-height-preserved",
                    "Disc height preserved"))).setValue(Observations.percent(finding.discHeightPreservedPercent()));
        }
        obs.setText(DocumentParts.narrative(obs.getCode().getText() + " (" + study.date() + "): "
                + obs.getValueCodeableConcept().getText()
                + (finding.discHeightPreservedPercent() == null ? ""
                        : "; disc height " + finding.discHeightPreservedPercent().toPlainString() + "% preserved")));
        return obs;
    }

    private static CodeableConcept legSite(Side side) {
        return new CodeableConcept(Terminology.LATERALITY.get(side).copy()).setText(switch (side) {
            case LEFT -> "Left leg";
            case RIGHT -> "Right leg";
            case BILATERAL -> "Both legs";
        });
    }
}
