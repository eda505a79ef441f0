package org.annulus.bridge.mapping;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
import org.hl7.fhir.r4.model.ServiceRequest;
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

    void map(DocumentParts parts, CandidacyAssessment doc, List<Reference> imaging, DateTimeType assessed) {
        parts.add(CONSERVATIVE_CARE, conservativeCare(parts, doc, assessed));
        List<Reference> exclusions = new ArrayList<>();
        if (doc.exclusions().severeStenosisWithProgressiveDeficit()) {
            parts.add(STENOSIS, Conditions.problem(parts, STENOSIS, new CodeableConcept(Terminology.LUMBAR_STENOSIS.copy())
                    .setText("Severe lumbar spinal stenosis with progressive neurologic deficit"), assessed));
            exclusions.add(parts.ref(STENOSIS));
        }
        if (doc.exclusions().facetMediatedPain()) {
            parts.add(FACET, Conditions.problem(parts, FACET, new CodeableConcept(Terminology.FACET_JOINT_PAIN.copy())
                    .setText("Facet joint mediated low back pain"), assessed));
            exclusions.add(parts.ref(FACET));
        }
        if (doc.exclusions().sacroiliacPain()) {
            parts.add(SACROILIAC, Conditions.problem(parts, SACROILIAC,
                    new CodeableConcept(Terminology.SACROILIAC_JOINT_PAIN.copy()).setText("Sacroiliac joint pain"), assessed));
            exclusions.add(parts.ref(SACROILIAC));
        }
        List<Reference> evidence = new ArrayList<>(imaging);
        evidence.add(parts.ref(Observations.LEG_PAIN));
        evidence.add(parts.ref(Observations.ODI));
        evidence.add(parts.ref(CONSERVATIVE_CARE));
        parts.add(DETERMINATION, determination(parts, doc, evidence, assessed));
        if (doc.determination().decision() == Decision.REFER_SURGICAL) {
            parts.add(REFERRAL, referral(parts, doc, exclusions.isEmpty() ? List.of(parts.ref(CandidacyMapper.SCIATICA))
                    : exclusions));
        }
    }

    private Observation conservativeCare(DocumentParts parts, CandidacyAssessment doc, DateTimeType assessed) {
        ConservativeCare care = doc.conservativeCare();
        Observation obs = Observations.base(parts, CONSERVATIVE_CARE, "therapy", "Therapy",
                new CodeableConcept(Terminology.CONSERVATIVE_CARE.copy()).setText("Conservative care for sciatica"));
        obs.setEffective(assessed.copy());
        obs.setValue(new CodeableConcept(new Coding(Terminology.ANNULUS, "conservative-care-" + care.outcome(),
                outcomeDisplay(care.outcome()))).setText(outcomeDisplay(care.outcome())));
        obs.addComponent().setCode(new CodeableConcept(Terminology.ESI_COUNT.copy()))
                .setValue(new IntegerType(care.epiduralSteroidInjections()));
        obs.addComponent().setCode(new CodeableConcept(Terminology.PT_DURATION.copy()))
                .setValue(weeks(care.physicalTherapyWeeks()));
        List<String> lines = new ArrayList<>(List.of("Conservative care: " + outcomeDisplay(care.outcome()).toLowerCase(),
                care.physicalTherapyWeeks() + " weeks of physical therapy",
                care.epiduralSteroidInjections() + " epidural steroid injection(s)"));
        if (care.startedOn() != null) {
            long weeks = ChronoUnit.WEEKS.between(care.startedOn(), doc.recordedAt().toLocalDate());
            obs.addComponent().setCode(new CodeableConcept(Terminology.CARE_DURATION.copy())).setValue(weeks((int) weeks));
            lines.add("Started " + care.startedOn() + " (" + weeks + " weeks before the assessment)");
        }
        if (!care.medications().isEmpty()) {
            obs.addComponent().setCode(new CodeableConcept(Terminology.MEDICATIONS_TRIED.copy()))
                    .setValue(new StringType(String.join(", ", care.medications())));
            lines.add("Medications: " + String.join(", ", care.medications()));
        }
        obs.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return obs;
    }

    private Observation determination(DocumentParts parts, CandidacyAssessment doc, List<Reference> evidence,
            DateTimeType assessed) {
        Decision decision = doc.determination().decision();
        Observation obs = Observations.base(parts, DETERMINATION, "survey", "Survey",
                new CodeableConcept(Terminology.CANDIDACY_DETERMINATION.copy())
                        .setText("Candidacy for intra-annular fibrin injection"));
        obs.getMeta().addProfile(Profiles.CANDIDACY_DETERMINATION);
        obs.setEffective(assessed.copy());
        obs.setValue(new CodeableConcept(decisionCoding(decision)).setText(decisionCoding(decision).getDisplay()));
        List<String> lines = new ArrayList<>(List.of("Decision: " + decisionCoding(decision).getDisplay()));
        for (CandidacyCriteria.Criterion c : CandidacyCriteria.of(doc).asList()) {
            obs.addComponent().setCode(new CodeableConcept(new Coding(Terminology.CRITERION, c.code(), c.display())))
                    .setValue(new BooleanType(c.met()));
            lines.add(c.display() + ": " + (c.met() ? "yes" : "no"));
        }
        for (DiscLevel level : doc.determination().targetLevels()) {
            obs.addComponent().setCode(new CodeableConcept(Terminology.TARGET_LEVEL.copy()))
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

    private ServiceRequest referral(DocumentParts parts, CandidacyAssessment doc, List<Reference> reasons) {
        ServiceRequest request = new ServiceRequest();
        request.getMeta().addProfile(Profiles.SERVICE_REQUEST);
        request.addIdentifier(parts.identifier(REFERRAL));
        request.setStatus(parts.retracted() ? ServiceRequest.ServiceRequestStatus.ENTEREDINERROR
                : ServiceRequest.ServiceRequestStatus.ACTIVE);
        request.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        request.addCategory(new CodeableConcept(new Coding("http://snomed.info/sct", "3457005",
                "Patient referral")).setText("Referral"));
        request.setCode(new CodeableConcept(Terminology.SPINE_SURGERY_REFERRAL.copy())
                .setText("Referral to spine surgery"));
        request.setSubject(parts.patient());
        request.setAuthoredOnElement(DocumentParts.dateTime(doc.recordedAt()));
        request.setRequester(parts.author());
        request.setReasonReference(reasons);
        request.setText(DocumentParts.narrative("Referral to spine surgery: severe lumbar stenosis with progressive "
                + "neurologic deficit; not a candidate for intra-annular fibrin injection", parts.sourceLine()));
        return request;
    }

    static Coding decisionCoding(Decision decision) {
        return switch (decision) {
            case CANDIDATE -> new Coding(Terminology.DECISION, "candidate", "Candidate for intra-annular fibrin injection");
            case NOT_CANDIDATE -> new Coding(Terminology.DECISION, "not-candidate",
                    "Not a candidate for intra-annular fibrin injection");
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
        return new Quantity().setValue(weeks).setUnit("wk").setSystem(Terminology.UCUM).setCode("wk");
    }
}
