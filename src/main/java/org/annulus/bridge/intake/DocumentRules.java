package org.annulus.bridge.intake;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.ProcedureNote;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Rules of contract v1 that a JSON Schema cannot state. */
final class DocumentRules {

    private DocumentRules() {
    }

    static List<Problem> check(ClinicalDocument document) {
        List<Problem> problems = new ArrayList<>();
        if (document instanceof ProcedureNote note) {
            if (note.end().isBefore(note.start())) {
                problems.add(new Problem(IssueType.BUSINESSRULE, "$.end", "end is before start"));
            }
            Set<DiscLevel> seen = new HashSet<>();
            for (int i = 0; i < note.levels().size(); i++) {
                if (!seen.add(note.levels().get(i).level())) {
                    problems.add(new Problem(IssueType.BUSINESSRULE, "$.levels[" + i + "].level",
                            "disc level listed twice: one entry per treated disc"));
                }
            }
        }
        if (document instanceof CandidacyAssessment assessment && assessment.exam() != null) {
            // One resource is written per test, side and root: a repeat would overwrite its twin.
            unique(problems, "$.exam.straightLegRaise", assessment.exam().straightLegRaise().stream()
                    .map(s -> s.side().name()).toList(), "side listed twice: one entry per leg");
            unique(problems, "$.exam.femoralStretch", assessment.exam().femoralStretch().stream()
                    .map(s -> s.side().name()).toList(), "side listed twice: one entry per leg");
            unique(problems, "$.exam.roots", assessment.exam().roots().stream()
                    .map(r -> r.root() + "/" + r.side().name()).toList(), "root and side listed twice");
        }
        if (document instanceof CandidacyAssessment assessment) {
            for (int s = 0; s < assessment.imaging().size(); s++) {
                Set<DiscLevel> seen = new HashSet<>();
                List<CandidacyAssessment.ImagingFinding> findings = assessment.imaging().get(s).findings();
                for (int f = 0; f < findings.size(); f++) {
                    if (!seen.add(findings.get(f).level())) {
                        problems.add(new Problem(IssueType.BUSINESSRULE, "$.imaging[" + s + "].findings[" + f + "].level",
                                "disc level listed twice in one imaging study"));
                    }
                }
            }
        }
        return problems;
    }

    private static void unique(List<Problem> problems, String path, List<String> keys, String message) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!seen.add(keys.get(i))) {
                problems.add(new Problem(IssueType.BUSINESSRULE, path + "[" + i + "]", message));
            }
        }
    }
}
