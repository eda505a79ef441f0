package org.annulus.bridge.profiles;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * What the validator found in one resource or one bundle. Errors stop a document; warnings travel
 * with it (see {@code fhir-profiles/VALIDATION.md} for which is which).
 *
 * @param issues every finding, in the validator's order
 */
public record ValidationReport(List<Issue> issues) {

    public ValidationReport {
        issues = List.copyOf(issues);
    }

    public enum Severity {
        FATAL,
        ERROR,
        WARNING,
        INFORMATION;

        public boolean isError() {
            return this == FATAL || this == ERROR;
        }
    }

    /**
     * One finding.
     *
     * @param severity how bad
     * @param location FHIRPath of the element, e.g. {@code Condition.subject}; inside a bundle
     *                 {@code Bundle.entry[2].resource.subject}
     * @param message  the validator's message: names paths, codes and profiles, not patient data
     */
    public record Issue(Severity severity, String location, String message) {}

    public boolean hasErrors() {
        return issues.stream().anyMatch(i -> i.severity().isError());
    }

    public List<Issue> errors() {
        return issues.stream().filter(i -> i.severity().isError()).toList();
    }

    public List<Issue> warnings() {
        return issues.stream().filter(i -> i.severity() == Severity.WARNING).toList();
    }

    /** Errors and warnings as an OperationOutcome (information-level notes are left out). */
    public OperationOutcome toOperationOutcome() {
        OperationOutcome outcome = new OperationOutcome();
        issues.stream().filter(i -> i.severity() != Severity.INFORMATION).forEach(i -> outcome.addIssue()
                .setSeverity(severity(i.severity()))
                .setCode(IssueType.PROCESSING)
                .setDiagnostics(i.message())
                .addExpression(i.location()));
        if (!outcome.hasIssue()) {
            // OperationOutcome.issue is 1..*: say explicitly that nothing was found.
            outcome.addIssue()
                    .setSeverity(IssueSeverity.INFORMATION)
                    .setCode(IssueType.INFORMATIONAL)
                    .setDiagnostics("no errors or warnings");
        }
        return outcome;
    }

    private static IssueSeverity severity(Severity severity) {
        return switch (severity) {
            case FATAL -> IssueSeverity.FATAL;
            case ERROR -> IssueSeverity.ERROR;
            case WARNING -> IssueSeverity.WARNING;
            case INFORMATION -> IssueSeverity.INFORMATION;
        };
    }
}
