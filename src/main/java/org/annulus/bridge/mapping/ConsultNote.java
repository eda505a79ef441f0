package org.annulus.bridge.mapping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.ImagingFinding;
import org.annulus.bridge.document.CandidacyAssessment.ImagingStudy;
import org.annulus.bridge.document.CandidacyAssessment.RootFinding;
import org.annulus.bridge.document.CandidacyAssessment.TensionSign;
import org.annulus.bridge.document.DiscLevel;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * The consult note (LOINC 11488-4) of a candidacy assessment: what a clinician reads first —
 * findings, decision and plan in plain sentences, dated with the assessment time, authored by the
 * assessor, linked to the structured resources it summarizes.
 */
final class ConsultNote {

    static final String PART = "documentreference-consult-note";

    private ConsultNote() {}

    static DocumentReference of(
            DocumentParts parts,
            CandidacyAssessment doc,
            Optional<CandidacyDiagnosis.Attribution> attribution,
            List<Reference> related) {
        String text = String.join("\n", lines(doc, attribution)) + "\n";
        DocumentReference ref = parts.clinicalNote(PART, Terminology.CONSULT_NOTE, "Consult note");
        // The clinic's own offset, as in every other clinical time we send.
        ref.setDateElement(
                new InstantType(DocumentParts.dateTime(doc.recordedAt()).getValueAsString()));
        ref.setDescription("Spine consult: candidacy for intra-annular fibrin injection");
        ref.addContent()
                .setAttachment(new Attachment()
                        .setContentType("text/plain; charset=utf-8")
                        .setData(text.getBytes(StandardCharsets.UTF_8))
                        .setTitle("Spine consult: candidacy for intra-annular fibrin injection"));
        ref.getContext().setPeriod(new Period().setStartElement(DocumentParts.dateTime(doc.recordedAt())));
        related.forEach(r -> ref.getContext().addRelated(r.copy()));
        List<String> narrative = new ArrayList<>(lines(doc, attribution));
        narrative.add(parts.sourceLine());
        ref.setText(DocumentParts.narrative(narrative.toArray(String[]::new)));
        return ref;
    }

    /** The note's sentences; the same text is the attachment and the narrative. */
    static List<String> lines(CandidacyAssessment doc, Optional<CandidacyDiagnosis.Attribution> attribution) {
        List<String> lines = new ArrayList<>();
        lines.add("Spine consult, " + doc.recordedAt().toLocalDate() + ", "
                + doc.author().name() + ": candidacy for intra-annular fibrin injection.");
        lines.add(doc.leg()
                .map(leg -> "Leg pain: " + BodySites.words(leg.side()) + ", "
                        + (leg.dermatomal()
                                ? String.join(", ", leg.dermatomes()) + " dermatomal"
                                : "non-dermatomal (referred)")
                        + ", " + leg.nrs() + "/10" + (leg.onset() == null ? "" : ", since " + leg.onset()) + ".")
                .orElse("Axial low back pain without leg pain."));
        lines.add("Back pain " + doc.backPainNrs() + "/10; Oswestry Disability Index "
                + doc.odi().toPlainString() + " (0-100).");
        for (ImagingStudy study : doc.imaging()) {
            List<String> findings = new ArrayList<>();
            for (ImagingFinding f : study.findings()) {
                findings.add(f.level().code() + " "
                        + (f.annularTear()
                                ? "annular tear"
                                        + TearZone.parse(f.tearLocation())
                                                .map(z -> " (" + z.words() + ")")
                                                .orElse("")
                                        + (Boolean.TRUE.equals(f.highIntensityZone())
                                                ? " with high-intensity zone"
                                                : "")
                                : "no annular tear")
                        + (f.discHeightPreservedPercent() == null
                                ? ""
                                : ", disc height "
                                        + f.discHeightPreservedPercent().toPlainString() + "% of expected"));
            }
            lines.add(study.modality() + " " + study.date() + ": " + String.join("; ", findings) + ".");
        }
        exam(doc).ifPresent(lines::add);
        var care = doc.conservativeCare();
        lines.add("Conservative care: " + care.physicalTherapyWeeks() + " weeks of physical therapy, "
                + care.epiduralSteroidInjections() + " epidural steroid injection(s)"
                + (care.medications().isEmpty() ? "" : ", " + String.join(", ", care.medications()))
                + "; outcome " + care.outcome().replace('-', ' ') + ".");
        lines.add("Assessment: " + assessment(doc, attribution) + ".");
        List<String> against = CandidacyCriteria.stated(doc).stream()
                .filter(c -> c.met()
                        && !c.code().equals("informed-consent")
                        && !c.code().equals("tear-at-concordant-level")
                        && !c.code().equals("disc-height-preserved")
                        && !c.code().equals("conservative-care-failed"))
                .map(c -> c.display().toLowerCase())
                .toList();
        if (!against.isEmpty()) {
            lines.add("Present: " + String.join("; ", against) + ".");
        }
        lines.add("Decision: "
                + CandidacyDecisionMapper.decisionCoding(doc.determination().decision())
                        .getDisplay()
                        .toLowerCase()
                + (doc.determination().targetLevels().isEmpty()
                        ? ""
                        : ", target level(s) "
                                + String.join(
                                        ", ",
                                        doc.determination().targetLevels().stream()
                                                .map(DiscLevel::code)
                                                .toList()))
                + ".");
        if (doc.determination().rationale() != null) {
            lines.add("Rationale: " + doc.determination().rationale());
        }
        lines.add("Plan: " + plan(doc) + ".");
        return lines;
    }

    private static String assessment(CandidacyAssessment doc, Optional<CandidacyDiagnosis.Attribution> attribution) {
        if (attribution.isEmpty()) {
            if (doc.leg().isEmpty()) {
                return "axial low back pain; no sciatica";
            }
            return "leg pain not recorded as sciatica ("
                    + (doc.leg().get().dermatomal()
                            ? "attributed to facet or sacroiliac joint origin"
                            : "non-dermatomal, referred pattern")
                    + ")";
        }
        CandidacyDiagnosis.Attribution a = attribution.get();
        return a.toDisc()
                ? "sciatica due to intervertebral disc disorder"
                        + (a.levels().isEmpty()
                                ? ""
                                : " at "
                                        + String.join(
                                                ", ",
                                                a.levels().stream()
                                                        .map(DiscLevel::code)
                                                        .toList()))
                : "sciatica not attributed to a disc disorder";
    }

    private static String plan(CandidacyAssessment doc) {
        return switch (doc.determination().decision()) {
            case CANDIDATE ->
                "intra-annular fibrin injection at "
                        + String.join(
                                ", ",
                                doc.determination().targetLevels().stream()
                                        .map(DiscLevel::code)
                                        .toList())
                        + (doc.consent() == null
                                ? ""
                                : doc.consent().obtained()
                                        ? "; informed consent obtained"
                                        : "; informed consent not yet obtained");
            case NOT_CANDIDATE -> "no fibrin injection; care continues with the referring clinician";
            case REFER_SURGICAL -> "referral to spine surgery for evaluation";
        };
    }

    private static Optional<String> exam(CandidacyAssessment doc) {
        if (doc.exam() == null) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        for (TensionSign s : doc.exam().straightLegRaise()) {
            parts.add("straight leg raise " + BodySites.words(s.side()) + " " + (s.positive() ? "positive" : "negative")
                    + (s.angleDegrees() == null ? "" : " at " + s.angleDegrees() + " degrees"));
        }
        for (TensionSign s : doc.exam().femoralStretch()) {
            parts.add("femoral stretch " + BodySites.words(s.side()) + " " + (s.positive() ? "positive" : "negative"));
        }
        for (RootFinding r : doc.exam().roots()) {
            List<String> f = new ArrayList<>();
            if (r.motorGrade() != null) {
                f.add("motor " + r.motorGrade() + "/5");
            }
            if (r.sensory() != null) {
                f.add("sensation " + r.sensory());
            }
            if (r.reflex() != null) {
                f.add("reflex " + r.reflex());
            }
            parts.add(r.root() + " " + BodySites.words(r.side()) + ": " + String.join(", ", f));
        }
        return Optional.of("Exam: " + String.join("; ", parts) + ".");
    }
}
