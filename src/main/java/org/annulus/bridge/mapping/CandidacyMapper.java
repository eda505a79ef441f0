package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.ImagingFinding;
import org.annulus.bridge.document.CandidacyAssessment.ImagingStudy;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * A candidacy assessment as the patient's problems (sciatica, one annular tear per torn disc), the
 * findings and scores behind them, and the candidacy decision with its criteria.
 */
final class CandidacyMapper {

    static final String SCIATICA = "condition-sciatica";

    private final CandidacyDecisionMapper decision = new CandidacyDecisionMapper();

    Bundle map(CandidacyAssessment doc) {
        DocumentParts parts = new DocumentParts(doc);
        DateTimeType assessed = DocumentParts.dateTime(doc.recordedAt());
        Map<DiscLevel, List<Reference>> tearImages = new LinkedHashMap<>();
        List<Reference> imaging = new ArrayList<>();
        for (ImagingStudy study : doc.imaging()) {
            for (ImagingFinding finding : study.findings()) {
                String part = imagingPart(study, finding);
                parts.add(part, imagingFinding(parts, study, finding));
                imaging.add(parts.ref(part));
                if (finding.annularTear()) {
                    tearImages.computeIfAbsent(finding.level(), l -> new ArrayList<>()).add(parts.ref(part));
                }
            }
        }
        List<Reference> tears = new ArrayList<>();
        tearImages.forEach((level, images) -> {
            parts.add(tearPart(level), annularTear(parts, level, images, assessed));
            tears.add(parts.ref(tearPart(level)));
        });
        parts.add(SCIATICA, sciatica(parts, doc, imaging, assessed));
        Observations.addLegPain(parts, doc.legPain().nrs(), legSite(doc.legPain().side()), assessed);
        Observations.addBackPain(parts, doc.backPainNrs(), assessed);
        Observations.addOdi(parts, doc.odi(), assessed);
        decision.map(parts, doc, imaging, assessed);
        return parts.bundle();
    }

    static String tearPart(DiscLevel level) {
        return "condition-annular-tear-" + level.code();
    }

    private static String imagingPart(ImagingStudy study, ImagingFinding finding) {
        return "observation-imaging-" + study.modality() + "-" + study.date() + "-" + finding.level().code();
    }

    private Condition sciatica(DocumentParts parts, CandidacyAssessment doc, List<Reference> imaging,
            DateTimeType assessed) {
        Side side = doc.legPain().side();
        CodeableConcept code = new CodeableConcept().addCoding(Terminology.SCIATICA.copy());
        // ICD-10-CM has no bilateral sciatica code: both sides are coded (TERMINOLOGY.md, note on M54.30).
        if (side != Side.LEFT) {
            code.addCoding(Terminology.SCIATICA_RIGHT.copy());
        }
        if (side != Side.RIGHT) {
            code.addCoding(Terminology.SCIATICA_LEFT.copy());
        }
        code.setText("Sciatica, " + side.name().toLowerCase() + " (" + String.join(", ", doc.legPain().dermatomes())
                + " dermatome" + (doc.legPain().dermatomes().size() > 1 ? "s" : "") + ")");
        Condition condition = Conditions.problem(parts, SCIATICA, code, assessed);
        condition.addBodySite(legSite(side));
        if (doc.legPain().onset() != null) {
            condition.setOnset(new DateTimeType(doc.legPain().onset().toString()));
        }
        condition.addEvidence().setDetail(imaging);
        condition.setText(DocumentParts.narrative(code.getText(),
                "Onset: " + (doc.legPain().onset() == null ? "not recorded" : doc.legPain().onset()),
                "Leg pain " + doc.legPain().nrs() + "/10", parts.sourceLine()));
        return condition;
    }

    private Condition annularTear(DocumentParts parts, DiscLevel level, List<Reference> images, DateTimeType assessed) {
        CodeableConcept code = new CodeableConcept()
                .addCoding((level == DiscLevel.T12_L1 ? Terminology.ANNULAR_TEAR : Terminology.ANNULAR_TEAR_LUMBAR).copy())
                .setText("Annular tear of the " + level.code() + " disc");
        // M51.16/M51.17 are lumbar/lumbosacral; T12-L1 is thoracolumbar and has no verified code here.
        if (level != DiscLevel.T12_L1) {
            code.addCoding((level == DiscLevel.L5_S1 ? Terminology.DISC_RADICULOPATHY_LUMBOSACRAL
                    : Terminology.DISC_RADICULOPATHY_LUMBAR).copy());
        }
        Condition condition = Conditions.problem(parts, tearPart(level), code, assessed);
        condition.addBodySite(discSite(level));
        condition.addEvidence().setDetail(images);
        return condition;
    }

    private Observation imagingFinding(DocumentParts parts, ImagingStudy study, ImagingFinding finding) {
        String level = finding.level().code();
        Observation obs = Observations.base(parts, imagingPart(study, finding), "imaging", "Imaging",
                new CodeableConcept(Terminology.DISC_IMAGING_FINDING.copy()).setText(study.modality() + " finding, "
                        + level + " disc"));
        obs.getMeta().addProfile(Profiles.CLINICAL_RESULT);
        obs.setEffective(new DateTimeType(study.date().toString()));
        obs.setBodySite(discSite(finding.level()));
        obs.setMethod(new CodeableConcept().setText(study.modality()));
        String summary = finding.annularTear()
                ? "Annular tear" + (finding.tearLocation() == null ? "" : ", " + finding.tearLocation().replace('-', ' '))
                        + (Boolean.TRUE.equals(finding.highIntensityZone()) ? ", with high-intensity zone" : "")
                : "No annular tear";
        obs.setValue(new CodeableConcept().setText(summary));
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
        obs.setText(DocumentParts.narrative(study.modality() + " " + study.date() + ", " + level + " disc: " + summary
                + (finding.discHeightPreservedPercent() == null ? ""
                        : "; disc height " + finding.discHeightPreservedPercent().toPlainString() + "% preserved")));
        return obs;
    }

    static CodeableConcept discSite(DiscLevel level) {
        return new CodeableConcept(Terminology.DISC.get(level).copy()).setText(level.code() + " disc");
    }

    static CodeableConcept legSite(Side side) {
        return new CodeableConcept(Terminology.LATERALITY.get(side).copy()).setText(switch (side) {
            case LEFT -> "Left leg";
            case RIGHT -> "Right leg";
            case BILATERAL -> "Both legs";
        });
    }
}
