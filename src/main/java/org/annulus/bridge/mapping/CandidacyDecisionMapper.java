package org.annulus.bridge.mapping;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.ConservativeCare;
import org.annulus.bridge.document.CandidacyAssessment.Decision;
import org.annulus.bridge.document.DiscLevel;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The decision half of a candidacy assessment: conservative care tried, the conditions that exclude
 * the injection, the determination with one component per criterion, and the surgical referral.
 */
final class CandidacyDecisionMapper {

    static final String CONSERVATIVE_CARE = "observation-conservative-care";
    static final String DETERMINATION = "observation-candidacy-determination";
    static final String STENOSIS = "condition-lumbar-stenosis";
    static final String FACET = "condition-facet-joint-pain";
    static final String SACROILIAC = "condition-sacroiliac-joint-pain";
    static final String REFERRAL = "servicerequest-surgical-referral";

    /** Adds the decision's resources; returns references to them, for the consult note. */
    List<Reference> map(
            DocumentParts parts,
            CandidacyAssessment doc,
            List<Reference> imaging,
            Map<DiscLevel, List<Reference>> imagingByLevel,
            DateTimeType assessed) {
        parts.add(CONSERVATIVE_CARE, conservativeCare(parts, doc, assessed));
        List<Reference> exclusions = new ArrayList<>();
        if (doc.exclusions().severeStenosisWithProgressiveDeficit()) {
            parts.add(STENOSIS, stenosis(parts, doc, imagingByLevel, assessed));
            exclusions.add(parts.ref(STENOSIS));
        }
        String referred = doc.leg()
                .filter(l -> !l.dermatomal())
                .map(l -> ", with non-dermatomal (referred) " + BodySites.words(l.side()) + " leg pain")
                .orElse("");
        if (doc.exclusions().facetMediatedPain()) {
            parts.add(
                    FACET,
                    Conditions.problem(
                            parts,
                            FACET,
                            new CodeableConcept(Terminology.FACET_JOINT_PAIN.copy())
                                    .setText("Facet joint mediated low back pain" + referred),
                            assessed));
            exclusions.add(parts.ref(FACET));
        }
        if (doc.exclusions().sacroiliacPain()) {
            parts.add(
                    SACROILIAC,
                    Conditions.problem(
                            parts,
                            SACROILIAC,
                            new CodeableConcept(Terminology.SACROILIAC_JOINT_PAIN.copy())
                                    .setText("Sacroiliac joint pain" + referred),
                            assessed));
            exclusions.add(parts.ref(SACROILIAC));
        }
        List<Reference> evidence = new ArrayList<>(imaging);
        doc.leg().ifPresent(l -> evidence.add(parts.ref(Observations.LEG_PAIN)));
        evidence.add(parts.ref(Observations.BACK_PAIN));
        evidence.add(parts.ref(Observations.ODI));
        evidence.add(parts.ref(CONSERVATIVE_CARE));
        parts.add(DETERMINATION, determination(parts, doc, evidence, assessed));
        List<Reference> written = new ArrayList<>(List.of(parts.ref(CONSERVATIVE_CARE)));
        written.addAll(exclusions);
        written.add(parts.ref(DETERMINATION));
        if (doc.determination().decision() == Decision.REFER_SURGICAL) {
            List<Reference> reasons = new ArrayList<>(exclusions);
            if (CandidacyDiagnosis.attribution(doc).isPresent()) {
                reasons.add(parts.ref(CandidacyMapper.SCIATICA));
            }
            List<Reference> support = new ArrayList<>(imaging);
            support.add(parts.ref(DETERMINATION));
            doc.leg().ifPresent(l -> support.add(parts.ref(Observations.LEG_PAIN)));
            support.add(parts.ref(Observations.ODI));
            parts.add(REFERRAL, SurgicalReferral.of(parts, doc, reasons, support));
            written.add(parts.ref(REFERRAL));
        }
        return written;
    }

    /**
     * Lumbar stenosis with its level(s) and, when the document says whether it causes neurogenic
     * claudication (v1.1), ICD-10-CM M48.062 / M48.061. A v1 document does not say, so no ICD code
     * is chosen for it rather than asserting "without claudication".
     */
    private Condition stenosis(
            DocumentParts parts,
            CandidacyAssessment doc,
            Map<DiscLevel, List<Reference>> imagingByLevel,
            DateTimeType assessed) {
        CandidacyAssessment.Stenosis detail = doc.exclusions().stenosis();
        CodeableConcept code = new CodeableConcept(Terminology.LUMBAR_STENOSIS.copy());
        String text = "Severe lumbar spinal stenosis";
        if (detail != null) {
            text += " at "
                    + String.join(
                            ", ", detail.levels().stream().map(DiscLevel::code).toList());
            if (detail.neurogenicClaudication() != null) {
                code.addCoding((detail.neurogenicClaudication()
                                ? Terminology.STENOSIS_WITH_CLAUDICATION
                                : Terminology.STENOSIS_WITHOUT_CLAUDICATION)
                        .copy());
                text += detail.neurogenicClaudication()
                        ? ", with neurogenic claudication"
                        : ", without neurogenic claudication";
            }
        }
        code.setText(text + ", with progressive neurologic deficit");
        Condition condition = Conditions.problem(parts, STENOSIS, code, assessed);
        if (detail != null) {
            List<Reference> images = new ArrayList<>();
            for (DiscLevel level : detail.levels()) {
                condition.addBodySite(BodySites.disc(level).setText(level.code() + " level"));
                images.addAll(imagingByLevel.getOrDefault(level, List.of()));
            }
            if (!images.isEmpty()) {
                condition.addEvidence().setDetail(images);
            }
        }
        return condition;
    }

    private Observation conservativeCare(DocumentParts parts, CandidacyAssessment doc, DateTimeType assessed) {
        ConservativeCare care = doc.conservativeCare();
        Observation obs = Observations.base(
                parts,
                CONSERVATIVE_CARE,
                "therapy",
                "Therapy",
                new CodeableConcept(Terminology.CONSERVATIVE_CARE.copy()).setText("Conservative care for sciatica"));
        obs.setEffective(assessed.copy());
        obs.setValue(new CodeableConcept(new Coding(
                        Terminology.ANNULUS, "conservative-care-" + care.outcome(), outcomeDisplay(care.outcome())))
                .setText(outcomeDisplay(care.outcome())));
        obs.addComponent()
                .setCode(new CodeableConcept(Terminology.ESI_COUNT.copy()))
                .setValue(new IntegerType(care.epiduralSteroidInjections()));
        obs.addComponent()
                .setCode(new CodeableConcept(Terminology.PT_DURATION.copy()))
                .setValue(weeks(care.physicalTherapyWeeks()));
        List<String> lines = new ArrayList<>(List.of(
                "Conservative care: " + outcomeDisplay(care.outcome()).toLowerCase(),
                care.physicalTherapyWeeks() + " weeks of physical therapy",
                care.epiduralSteroidInjections() + " epidural steroid injection(s)"));
        if (care.startedOn() != null) {
            long weeks =
                    ChronoUnit.WEEKS.between(care.startedOn(), doc.recordedAt().toLocalDate());
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.CARE_DURATION.copy()))
                    .setValue(weeks((int) weeks));
            lines.add("Started " + care.startedOn() + " (" + weeks + " weeks before the assessment)");
        }
        if (!care.medications().isEmpty()) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.MEDICATIONS_TRIED.copy()))
                    .setValue(new StringType(String.join(", ", care.medications())));
            lines.add("Medications: " + String.join(", ", care.medications()));
        }
        obs.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return obs;
    }

    /**
     * The clinician's determination: the decision, and one component per criterion the document
     * states (v1: the three exclusions; v1.1 also the inclusion criteria, red flags,
     * contraindications and consent). Nothing is computed here.
     */
    private Observation determination(
            DocumentParts parts, CandidacyAssessment doc, List<Reference> evidence, DateTimeType assessed) {
        Decision decision = doc.determination().decision();
        Observation obs = Observations.base(
                parts,
                DETERMINATION,
                "survey",
                "Survey",
                new CodeableConcept(Terminology.CANDIDACY_DETERMINATION.copy())
                        .setText("Candidacy for intra-annular fibrin injection"));
        obs.getMeta().addProfile(Profiles.CANDIDACY_DETERMINATION);
        obs.setEffective(assessed.copy());
        obs.setValue(new CodeableConcept(decisionCoding(decision))
                .setText(decisionCoding(decision).getDisplay()));
        List<String> lines =
                new ArrayList<>(List.of("Decision: " + decisionCoding(decision).getDisplay()));
        if (doc.determination().criteria() == null) {
            lines.add("Inclusion criteria: not stated one by one in the document; see the decision and rationale");
        }
        for (CandidacyCriteria.Criterion c : CandidacyCriteria.stated(doc)) {
            obs.addComponent()
                    .setCode(new CodeableConcept(new Coding(Terminology.CRITERION, c.code(), c.display())))
                    .setValue(new BooleanType(c.met()));
            lines.add(c.display() + ": " + (c.met() ? "yes" : "no") + " (clinician)");
        }
        if (doc.consent() != null && doc.consent().date() != null) {
            obs.addComponent()
                    .setCode(new CodeableConcept(new Coding(
                            Terminology.CRITERION, "informed-consent-date", "Date informed consent was obtained")))
                    .setValue(new DateTimeType(doc.consent().date().toString()));
            lines.add("Consent obtained on " + doc.consent().date());
        }
        for (DiscLevel level : doc.determination().targetLevels()) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.TARGET_LEVEL.copy()))
                    .setValue(CandidacyMapper.discSite(level));
            lines.add("Target level: " + level.code());
        }
        obs.setDerivedFrom(evidence);
        if (doc.determination().rationale() != null) {
            obs.addNote().setText(doc.determination().rationale());
            lines.add("Rationale: " + doc.determination().rationale());
        }
        lines.add(parts.sourceLine());
        obs.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return obs;
    }

    static Coding decisionCoding(Decision decision) {
        return switch (decision) {
            case CANDIDATE ->
                new Coding(Terminology.DECISION, "candidate", "Candidate for intra-annular fibrin injection");
            case NOT_CANDIDATE ->
                new Coding(Terminology.DECISION, "not-candidate", "Not a candidate for intra-annular fibrin injection");
            case REFER_SURGICAL -> new Coding(Terminology.DECISION, "refer-surgical", "Refer for surgical evaluation");
        };
    }

    private static String outcomeDisplay(String outcome) {
        return switch (outcome) {
            case "failed" -> "Failed";
            case "partial-response" -> "Partial response";
            default -> "Improved";
        };
    }

    private static Quantity weeks(int weeks) {
        return new Quantity()
                .setValue(weeks)
                .setUnit("wk")
                .setSystem(Terminology.UCUM)
                .setCode("wk");
    }
}
