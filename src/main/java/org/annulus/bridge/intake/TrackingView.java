package org.annulus.bridge.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;
import org.annulus.bridge.outbox.TrackedDocument;

/**
 * The tracking resource: a document's state, its history and what the EHR now holds for it. The
 * outcome (the validator's or the EHR's OperationOutcome, which can quote document values) and the
 * EHR patient ids named in the history (the patient written to, candidate patients of a failed match)
 * only for operators and auditors: a submitting clinic needs neither to follow its document.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TrackingView(
        String trackingId,
        String kind,
        String documentId,
        int version,
        String status,
        String source,
        String sha256,
        String state,
        int attempts,
        OffsetDateTime nextAttemptAt,
        OffsetDateTime receivedAt,
        OffsetDateTime updatedAt,
        @JsonRawValue String outcome,
        List<TrackedDocument.Transition> history,
        List<TrackedDocument.WrittenResource> resources,
        List<TrackedDocument.HeldResource> held) {

    private static final Pattern PATIENT_REFERENCE = Pattern.compile("Patient/[^\\s;,)]+");
    private static final Pattern CANDIDATES = Pattern.compile("; candidates: [^;]*");

    static TrackingView of(TrackedDocument d, boolean privileged) {
        return new TrackingView(
                d.trackingId(),
                d.kind(),
                d.documentId(),
                d.version(),
                d.status(),
                d.source(),
                d.sha256(),
                d.state().name(),
                d.attempts(),
                d.nextAttemptAt(),
                d.receivedAt(),
                d.updatedAt(),
                privileged ? d.outcome() : null,
                privileged
                        ? d.history()
                        : d.history().stream()
                                .map(TrackingView::withoutPatientIds)
                                .toList(),
                d.resources(),
                d.held().isEmpty() ? null : d.held());
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
