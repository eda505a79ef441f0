package org.annulus.bridge.mapping;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * The progress note (LOINC 11506-3) of a follow-up: what a clinician reads first. Its text names the
 * milestone, the scores with the leg's side, the adverse events and the plan from the recovery
 * protocol; it is dated with the clinical time, authored by the document's author, and linked
 * ({@code context.related}) to every structured resource of the same document.
 */
final class ProgressNote {

    static final String PART = "document-progress-note";

    private ProgressNote() {}

    /** Adds the note; call last, so that every other resource of the document is related. */
    static void add(DocumentParts parts, RecoveryMilestone doc, RecoveryProtocol protocol) {
        List<Reference> related = parts.bundle().getEntry().stream()
                .map(Bundle.BundleEntryComponent::getFullUrl)
                .map(Reference::new)
                .toList();
        parts.add(PART, note(parts, doc, protocol, related));
    }

    static List<String> lines(RecoveryMilestone doc, RecoveryProtocol protocol) {
        List<String> lines = new ArrayList<>();
        lines.add("Recovery follow-up: "
                + MilestoneMapper.display(doc.milestone()).toLowerCase() + ", day "
                + doc.daysSinceProcedure() + " after the intra-annular fibrin injection (procedure note "
                + doc.procedureDocumentId() + ").");
        String leg = doc.legPainSide() == null
                ? "leg pain"
                : switch (doc.legPainSide()) {
                    case LEFT -> "left leg pain";
                    case RIGHT -> "right leg pain";
                    case BILATERAL -> "bilateral leg pain";
                };
        lines.add("Findings: " + leg + " " + doc.legPainNrs() + "/10, low back pain " + doc.backPainNrs() + "/10"
                + (doc.odi() == null
                        ? ""
                        : ", Oswestry Disability Index " + doc.odi().toPlainString() + "%")
                + (doc.pgic() == null
                        ? ""
                        : ", patient global impression of change: "
                                + ProcedureCodes.pgicAnswer(doc.pgic())
                                        .getDisplay()
                                        .toLowerCase())
                + ".");
        lines.add(
                doc.adverseEvents().isEmpty()
                        ? "Adverse events: none reported."
                        : sentence("Adverse events: "
                                + String.join(
                                        "; ",
                                        doc.adverseEvents().stream()
                                                .map(Events::describe)
                                                .toList())));
        if (doc.note() != null) {
            lines.add("Clinician's note: " + doc.note());
        }
        lines.add("Plan: " + plan(doc, protocol));
        if (doc.visit() != null) {
            lines.add("Visit " + doc.visit() + ".");
        }
        return lines;
    }

    private static String sentence(String text) {
        return text.endsWith(".") ? text : text + ".";
    }

    /** What the recovery protocol schedules after this day. */
    private static String plan(RecoveryMilestone doc, RecoveryProtocol protocol) {
        if (doc.milestone().equals("full-benefit") || doc.milestone().equals("follow-up-6-months")) {
            return "recovery protocol complete; further care as needed.";
        }
        LocalDate day0 = doc.recordedAt().toLocalDate().minusDays(doc.daysSinceProcedure());
        List<String> next = protocol.activities().stream()
                .filter(a -> a.fromDay() > doc.daysSinceProcedure())
                .limit(2)
                .map(a -> a.description().toLowerCase() + (a.fromDay() == a.toDay() ? " (on " : " (from ")
                        + day0.plusDays(a.fromDay()) + ")")
                .toList();
        return next.isEmpty()
                ? "continue the recovery protocol."
                : "continue the recovery protocol; next: " + String.join("; ", next) + ".";
    }

    private static DocumentReference note(
            DocumentParts parts, RecoveryMilestone doc, RecoveryProtocol protocol, List<Reference> related) {
        List<String> lines = lines(doc, protocol);
        DocumentReference ref = parts.clinicalNote(PART, ProcedureCodes.PROGRESS_NOTE, "Progress note");
        ref.setDate(Date.from(doc.recordedAt().toInstant()));
        ref.setDescription("Recovery follow-up: " + MilestoneMapper.display(doc.milestone()));
        ref.addContent()
                .setAttachment(new Attachment()
                        .setContentType("text/plain; charset=utf-8")
                        .setData(String.join("\n", lines).getBytes(StandardCharsets.UTF_8))
                        .setTitle("Progress note: " + MilestoneMapper.display(doc.milestone())));
        ref.getContext().setPeriod(new Period().setStartElement(DocumentParts.dateTime(doc.recordedAt())));
        related.forEach(r -> ref.getContext().addRelated(r));
        List<String> narrative = new ArrayList<>(lines);
        narrative.add(parts.sourceLine());
        ref.setText(DocumentParts.narrative(narrative.toArray(String[]::new)));
        return ref;
    }
}
