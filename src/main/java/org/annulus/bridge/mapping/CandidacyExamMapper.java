package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.Exam;
import org.annulus.bridge.document.CandidacyAssessment.RootFinding;
import org.annulus.bridge.document.CandidacyAssessment.TensionSign;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * The examination of a v1.1 assessment: one exam Observation per tension sign and side, one per
 * root and side with its motor, sensory and reflex findings, each on the lateralized leg. No
 * standard code for these tests could be confirmed from two sources, so they are concepts of our
 * annulus-clinical CodeSystem (docs/terminology-sources.md).
 */
final class CandidacyExamMapper {

    private CandidacyExamMapper() {}

    static List<Reference> map(DocumentParts parts, CandidacyAssessment doc, DateTimeType assessed) {
        List<Reference> refs = new ArrayList<>();
        Exam exam = doc.exam();
        if (exam == null) {
            return refs;
        }
        for (TensionSign sign : exam.straightLegRaise()) {
            String part = part("slr", sign);
            parts.add(part, tension(parts, part, Terminology.STRAIGHT_LEG_RAISE, "Straight leg raise", sign, assessed));
            refs.add(parts.ref(part));
        }
        for (TensionSign sign : exam.femoralStretch()) {
            String part = part("femoral-stretch", sign);
            parts.add(part, tension(parts, part, Terminology.FEMORAL_STRETCH, "Femoral stretch test", sign, assessed));
            refs.add(parts.ref(part));
        }
        for (RootFinding root : exam.roots()) {
            String part = rootPart(root);
            parts.add(part, root(parts, part, root, assessed));
            refs.add(parts.ref(part));
        }
        return refs;
    }

    /** The exam findings that support radicular pain: positive tension signs and abnormal roots. */
    static List<Reference> positive(DocumentParts parts, CandidacyAssessment doc) {
        List<Reference> refs = new ArrayList<>();
        if (doc.exam() == null) {
            return refs;
        }
        doc.exam().straightLegRaise().stream()
                .filter(TensionSign::positive)
                .forEach(s -> refs.add(parts.ref(part("slr", s))));
        doc.exam().femoralStretch().stream()
                .filter(TensionSign::positive)
                .forEach(s -> refs.add(parts.ref(part("femoral-stretch", s))));
        doc.exam().roots().stream()
                .filter(CandidacyExamMapper::abnormal)
                .forEach(r -> refs.add(parts.ref(rootPart(r))));
        return refs;
    }

    private static boolean abnormal(RootFinding root) {
        return (root.motorGrade() != null && root.motorGrade() < 5)
                || (root.sensory() != null && !root.sensory().equals("normal"))
                || (root.reflex() != null && !root.reflex().equals("normal"));
    }

    private static String part(String test, TensionSign sign) {
        return "observation-exam-" + test + "-" + BodySites.words(sign.side());
    }

    private static String rootPart(RootFinding root) {
        return "observation-exam-root-" + root.root() + "-" + BodySites.words(root.side());
    }

    private static Observation tension(
            DocumentParts parts, String part, Coding code, String label, TensionSign sign, DateTimeType assessed) {
        Observation obs = exam(parts, part, new CodeableConcept(code.copy()).setText(label), assessed);
        BodySites.onLeg(obs, sign.side());
        String result = sign.positive() ? "positive" : "negative";
        obs.setValue(
                new CodeableConcept(Terminology.annulus("test-" + result, sign.positive() ? "Positive" : "Negative"))
                        .setText(sign.positive() ? "Positive" : "Negative"));
        if (sign.angleDegrees() != null) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.TEST_ANGLE.copy()))
                    .setValue(new Quantity()
                            .setValue(sign.angleDegrees())
                            .setUnit("deg")
                            .setSystem(Terminology.UCUM)
                            .setCode("deg"));
        }
        obs.setText(DocumentParts.narrative(label + ", " + BodySites.words(sign.side()) + " leg: " + result
                + (sign.angleDegrees() == null ? "" : " at " + sign.angleDegrees() + " degrees")));
        return obs;
    }

    private static Observation root(DocumentParts parts, String part, RootFinding root, DateTimeType assessed) {
        String label = root.root() + " root, " + BodySites.words(root.side()) + " leg";
        Observation obs = exam(
                parts,
                part,
                new CodeableConcept(Terminology.ROOT_EXAM.copy()).setText("Nerve root examination, " + label),
                assessed);
        BodySites.onLeg(obs, root.side());
        List<String> findings = new ArrayList<>();
        if (root.motorGrade() != null) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.MOTOR_GRADE.copy()))
                    .setValue(new IntegerType(root.motorGrade()));
            findings.add("motor " + root.motorGrade() + "/5");
        }
        if (root.sensory() != null) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.SENSORY.copy()))
                    .setValue(new CodeableConcept(
                                    Terminology.annulus("finding-" + root.sensory(), capital(root.sensory())))
                            .setText(capital(root.sensory())));
            findings.add("sensation " + root.sensory());
        }
        if (root.reflex() != null) {
            obs.addComponent()
                    .setCode(new CodeableConcept(Terminology.REFLEX.copy()))
                    .setValue(
                            new CodeableConcept(Terminology.annulus("finding-" + root.reflex(), capital(root.reflex())))
                                    .setText(capital(root.reflex())));
            findings.add("reflex " + root.reflex());
        }
        obs.setText(DocumentParts.narrative(label + ": " + String.join(", ", findings)));
        return obs;
    }

    private static Observation exam(DocumentParts parts, String part, CodeableConcept code, DateTimeType assessed) {
        Observation obs = Observations.base(parts, part, "exam", "Exam", code);
        obs.getMeta().addProfile(Profiles.CLINICAL_RESULT);
        obs.setEffective(assessed.copy());
        return obs;
    }

    private static String capital(String word) {
        return word.substring(0, 1).toUpperCase() + word.substring(1);
    }
}
