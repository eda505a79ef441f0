package org.annulus.bridge.intake;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Rules of contract v1 that a JSON Schema cannot state. */
final class DocumentRules {

    private DocumentRules() {}

    /**
     * @param now  the bridge's clock
     * @param skew how far ahead of it a clinic's clock may run before a date counts as in the future
     */
    static List<Problem> check(ClinicalDocument document, OffsetDateTime now, Duration skew) {
        List<Problem> problems = new ArrayList<>();
        new ClinicalDates(document.patient().birthDate(), now.plus(skew), problems).check(document);
        if (document instanceof ProcedureNote note) {
            if (note.end().isBefore(note.start())) {
                problems.add(new Problem(IssueType.BUSINESSRULE, "$.end", "end is before start"));
            }
            Set<DiscLevel> seen = new HashSet<>();
            for (int i = 0; i < note.levels().size(); i++) {
                if (!seen.add(note.levels().get(i).level())) {
                    problems.add(new Problem(
                            IssueType.BUSINESSRULE,
                            "$.levels[" + i + "].level",
                            "disc level listed twice: one entry per treated disc"));
                }
            }
        }
        if (document instanceof CandidacyAssessment assessment && assessment.exam() != null) {
            // One resource is written per test, side and root: a repeat would overwrite its twin.
            unique(
                    problems,
                    "$.exam.straightLegRaise",
                    assessment.exam().straightLegRaise().stream()
                            .map(s -> s.side().name())
                            .toList(),
                    "side listed twice: one entry per leg");
            unique(
                    problems,
                    "$.exam.femoralStretch",
                    assessment.exam().femoralStretch().stream()
                            .map(s -> s.side().name())
                            .toList(),
                    "side listed twice: one entry per leg");
            unique(
                    problems,
                    "$.exam.roots",
                    assessment.exam().roots().stream()
                            .map(r -> r.root() + "/" + r.side().name())
                            .toList(),
                    "root and side listed twice");
        }
        if (document instanceof CandidacyAssessment assessment) {
            for (int s = 0; s < assessment.imaging().size(); s++) {
                Set<DiscLevel> seen = new HashSet<>();
                List<CandidacyAssessment.ImagingFinding> findings =
                        assessment.imaging().get(s).findings();
                for (int f = 0; f < findings.size(); f++) {
                    if (!seen.add(findings.get(f).level())) {
                        problems.add(new Problem(
                                IssueType.BUSINESSRULE,
                                "$.imaging[" + s + "].findings[" + f + "].level",
                                "disc level listed twice in one imaging study"));
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Clinical dates must lie between the patient's birth and now (plus the allowed skew). A date
     * without a time is in the future only when it is after today everywhere on earth (UTC+14).
     */
    private record ClinicalDates(LocalDate birthDate, OffsetDateTime latest, List<Problem> problems) {

        private static final ZoneOffset EARLIEST_ZONE = ZoneOffset.ofHours(14);

        void check(ClinicalDocument document) {
            LocalDate today = latest.atZoneSameInstant(EARLIEST_ZONE).toLocalDate();
            if (birthDate != null && birthDate.isAfter(today)) {
                problems.add(new Problem(IssueType.BUSINESSRULE, "$.patient.birthDate", "birth date is in the future"));
            }
            if (document instanceof CandidacyAssessment a) {
                instant("$.recordedAt", a.recordedAt());
                if (a.legPain() != null) {
                    date("$.legPain.onset", a.legPain().onset(), today);
                }
                for (int i = 0; i < a.imaging().size(); i++) {
                    date("$.imaging[" + i + "].date", a.imaging().get(i).date(), today);
                }
                if (a.conservativeCare() != null) {
                    date("$.conservativeCare.startedOn", a.conservativeCare().startedOn(), today);
                }
            } else if (document instanceof ProcedureNote p) {
                instant("$.start", p.start());
                instant("$.end", p.end());
            } else if (document instanceof RecoveryMilestone m) {
                instant("$.recordedAt", m.recordedAt());
            }
        }

        private void instant(String path, OffsetDateTime at) {
            if (at == null) {
                return;
            }
            if (at.isAfter(latest)) {
                problems.add(new Problem(IssueType.BUSINESSRULE, path, "clinical date-time is in the future"));
            } else if (birthDate != null && at.toLocalDate().isBefore(birthDate)) {
                problems.add(new Problem(
                        IssueType.BUSINESSRULE, path, "clinical date-time is before the patient's birth date"));
            }
        }

        private void date(String path, LocalDate date, LocalDate today) {
            if (date == null) {
                return;
            }
            if (date.isAfter(today)) {
                problems.add(new Problem(IssueType.BUSINESSRULE, path, "clinical date is in the future"));
            } else if (birthDate != null && date.isBefore(birthDate)) {
                problems.add(
                        new Problem(IssueType.BUSINESSRULE, path, "clinical date is before the patient's birth date"));
            }
        }
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
