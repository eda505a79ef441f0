package org.annulus.bridge.intake;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/** One thing wrong with a submitted document, and where: a JSONPath into the document. */
record Problem(IssueType type, String path, String diagnostics) {

    static OperationOutcome outcome(List<Problem> problems) {
        OperationOutcome outcome = new OperationOutcome();
        for (Problem p : problems) {
            OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                    .setSeverity(IssueSeverity.ERROR)
                    .setCode(p.type())
                    .setDiagnostics(p.diagnostics());
            if (p.path() != null) {
                issue.addExpression(p.path());
                issue.getLocation().add(new StringType(p.path()));
            }
        }
        return outcome;
    }
}
