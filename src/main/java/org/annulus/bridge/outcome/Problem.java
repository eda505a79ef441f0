package org.annulus.bridge.outcome;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/**
 * One thing wrong, and where: the issue every refusal of the bridge is an OperationOutcome of. The
 * path is a JSONPath into the document ({@code $.legPain.nrs}), an HTTP parameter ({@code
 * http.Authorization}, as FHIR R4 {@code OperationOutcome.issue.location} says for HTTP-level issues),
 * a query parameter, or null when the whole request is meant.
 */
public record Problem(IssueType type, String path, String diagnostics) {

    /** The media type of an OperationOutcome answer. */
    public static final String FHIR_JSON = "application/fhir+json";

    public Problem {
        Objects.requireNonNull(type, "type");
    }

    /** Every problem as an error issue, with its path in {@code expression} and {@code location}. */
    public static OperationOutcome outcome(List<Problem> problems) {
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

    /** This problem alone as an OperationOutcome. */
    public OperationOutcome outcome() {
        return outcome(List.of(this));
    }

    /** This problem alone as an OperationOutcome in FHIR JSON. */
    public String json(FhirContext fhir) {
        return fhir.newJsonParser().encodeResourceToString(outcome());
    }
}
