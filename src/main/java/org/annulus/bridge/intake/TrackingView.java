package org.annulus.bridge.intake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.regex.Pattern;
import org.annulus.bridge.outbox.TrackedDocument;

/**
 * The tracking resource: a document's state, its history and what the EHR now holds for it. The
 * outcome (the validator's or the EHR's OperationOutcome, which can quote document values) and the
 * EHR patient ids named in the history (the patient written to, candidate patients of a failed match)
 * only for operators and auditors: a submitting clinic needs neither to follow its document. The API
 * client that submitted it is never shown. A clinic sees the state of the document its document waits
 * behind, not its tracking id (it may be another clinic's).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TrackingView(
        @JsonUnwrapped @JsonIgnoreProperties({"outcome", "history", "submitter", "waitingFor"})
        TrackedDocument document,

        @JsonRawValue String outcome,
        List<TrackedDocument.Transition> history,
        TrackedDocument.WaitingFor waitingFor) {

    private static final Pattern PATIENT_REFERENCE = Pattern.compile("Patient/[^\\s;,)]+");
    private static final Pattern CANDIDATES = Pattern.compile("; candidates: [^;]*");

    static TrackingView of(TrackedDocument d, boolean privileged) {
        return new TrackingView(
                d,
                privileged ? d.outcome() : null,
                privileged
                        ? d.history()
                        : d.history().stream()
                                .map(TrackingView::withoutPatientIds)
                                .toList(),
                d.waitingFor() == null || privileged
                        ? d.waitingFor()
                        : new TrackedDocument.WaitingFor(null, d.waitingFor().state()));
    }

    private static TrackedDocument.Transition withoutPatientIds(TrackedDocument.Transition t) {
        if (t.reason() == null) {
            return t;
        }
        String reason = CANDIDATES.matcher(t.reason()).replaceAll("; candidates: shown to operators");
        reason = PATIENT_REFERENCE.matcher(reason).replaceAll("Patient/(id shown to operators)");
        return new TrackedDocument.Transition(t.from(), t.to(), t.at(), reason);
    }
}
