package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.ImagingFinding;
import org.annulus.bridge.document.CandidacyAssessment.ImagingStudy;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

/**
 * A candidacy assessment as the patient's problems (the diagnosis behind the leg pain, one
 * annular-tear finding per torn disc), the findings, exam and scores behind them, the candidacy
 * decision as the clinician stated it, and the consult note a clinician reads first.
 */
final class CandidacyMapper {

    /** Part name of the diagnosis Condition; kept from v1 so amendments update what v1 wrote. */
    static final String SCIATICA = "condition-sciatica";

    private final CandidacyDecisionMapper decision = new CandidacyDecisionMapper();

    Bundle map(CandidacyAssessment doc) {
        DocumentParts parts = new DocumentParts(doc);
        DateTimeType assessed = DocumentParts.dateTime(doc.recordedAt());
        Map<DiscLevel, List<Reference>> tearImages = new LinkedHashMap<>();
        Map<DiscLevel, List<Reference>> imagingByLevel = new LinkedHashMap<>();
        List<Reference> imaging = new ArrayList<>();
        for (ImagingStudy study : doc.imaging()) {
            for (ImagingFinding finding : study.findings()) {
                String part = imagingPart(study, finding);
                parts.add(part, imagingFinding(parts, study, finding));
                imaging.add(parts.ref(part));
                imagingByLevel
                        .computeIfAbsent(finding.level(), l -> new ArrayList<>())
                        .add(parts.ref(part));
                if (finding.annularTear()) {
                    tearImages
                            .computeIfAbsent(finding.level(), l -> new ArrayList<>())
                            .add(parts.ref(part));
                }
            }
        }
        tearImages.forEach((level, images) -> parts.add(tearPart(level), annularTear(parts, level, images, assessed)));
        List<Reference> exam = CandidacyExamMapper.map(parts, doc, assessed);
        Optional<CandidacyDiagnosis.Attribution> attribution = CandidacyDiagnosis.attribution(doc);
        attribution.ifPresent(a -> parts.add(
                SCIATICA,
                CandidacyDiagnosis.condition(
                        parts, doc, a, tearImages, CandidacyExamMapper.positive(parts, doc), assessed)));
        doc.leg().ifPresent(leg -> {
            Observation pain = Observations.addLegPain(parts, leg.nrs(), BodySites.leg(leg.side()), assessed);
            if (leg.side() == Side.BILATERAL) {
                BodySites.laterality(pain, leg.side());
            }
        });
        Observations.addBackPain(parts, doc.backPainNrs(), assessed);
        Observations.addOdi(parts, doc.odi(), assessed);
        List<Reference> structured = decision.map(parts, doc, imaging, imagingByLevel, assessed);
        List<Reference> related = new ArrayList<>(imaging);
        tearImages.keySet().forEach(level -> related.add(parts.ref(tearPart(level))));
        attribution.ifPresent(a -> related.add(parts.ref(SCIATICA)));
        related.addAll(exam);
        doc.leg().ifPresent(l -> related.add(parts.ref(Observations.LEG_PAIN)));
        related.add(parts.ref(Observations.BACK_PAIN));
        related.add(parts.ref(Observations.ODI));
        related.addAll(structured);
        parts.add(ConsultNote.PART, ConsultNote.of(parts, doc, attribution, related));
        return parts.bundle();
    }

    static String tearPart(DiscLevel level) {
        return "condition-annular-tear-" + level.code();
    }

    static String imagingPart(ImagingStudy study, ImagingFinding finding) {
        return "observation-imaging-" + study.modality() + "-" + study.date() + "-"
                + finding.level().code();
    }

    /**
     * The tear is an imaging finding, not the cause coded for billing: SNOMED CT only (202753007, or
     * 240212007 at T12-L1), no ICD-10-CM radiculopathy code; the diagnosis links to it.
     */
    private Condition annularTear(DocumentParts parts, DiscLevel level, List<Reference> images, DateTimeType assessed) {
        CodeableConcept code = new CodeableConcept()
                .addCoding(
                        (level == DiscLevel.T12_L1 ? Terminology.ANNULAR_TEAR : Terminology.ANNULAR_TEAR_LUMBAR).copy())
                .setText("Annular tear of the " + level.code() + " disc");
        Condition condition = Conditions.problem(parts, tearPart(level), code, assessed);
        condition.addBodySite(discSite(level));
        condition.addEvidence().setDetail(images);
        return condition;
    }

    private Observation imagingFinding(DocumentParts parts, ImagingStudy study, ImagingFinding finding) {
        String level = finding.level().code();
        Observation obs = Observations.base(
                parts,
                imagingPart(study, finding),
                "imaging",
                "Imaging",
                new CodeableConcept(Terminology.DISC_IMAGING_FINDING.copy())
                        .setText(study.modality() + " finding, " + level + " disc"));
        obs.getMeta().addProfile(Profiles.CLINICAL_RESULT);
        obs.setEffective(new DateTimeType(study.date().toString()));
        obs.setBodySite(discSite(finding.level()));
        obs.setMethod(new CodeableConcept().setText(study.modality()));
        Optional<TearZone> zone = finding.annularTear() ? TearZone.parse(finding.tearLocation()) : Optional.empty();
        String summary = finding.annularTear()
                ? "Annular tear" + zone.map(z -> ", " + z.words()).orElse("")
                        + (Boolean.TRUE.equals(finding.highIntensityZone()) ? ", with high-intensity zone" : "")
                : "No annular tear";
        obs.setValue(new CodeableConcept().setText(summary));
        obs.addComponent()
                .setCode(new CodeableConcept(Terminology.annulus("annular-tear-present", "Annular tear present")))
                .setValue(new BooleanType(finding.annularTear()));
        zone.ifPresent(z -> {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.TEAR_ZONE.copy()))
                    .setValue(new CodeableConcept(new Coding(Terminology.ANNULUS, z.code(), z.display()))
                            .setText(z.display() + " (documented as " + z.documentTerm() + ")"));
            if (z.side() != null) {
                BodySites.laterality(obs, z.side());
            }
        });
        if (finding.highIntensityZone() != null) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.annulus("high-intensity-zone", "High-intensity zone")))
                    .setValue(new BooleanType(finding.highIntensityZone()));
        }
        if (finding.discHeightPreservedPercent() != null) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.annulus("disc-height-preserved", "Disc height preserved")))
                    .setValue(Observations.percent(finding.discHeightPreservedPercent()));
        }
        obs.setText(DocumentParts.narrative(study.modality() + " " + study.date() + ", " + level + " disc: " + summary
                + (finding.discHeightPreservedPercent() == null
                        ? ""
                        : "; disc height "
                                + finding.discHeightPreservedPercent().toPlainString() + "% of expected")));
        return obs;
    }

    static CodeableConcept discSite(DiscLevel level) {
        return BodySites.disc(level);
    }
}
