package org.annulus.bridge.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.OffsetDateTime;
import java.util.List;
import org.annulus.bridge.outbox.TrackedDocument;

/**
 * The tracking resource: a document's state, its history and what the EHR now holds for it. The
 * outcome (the validator's or the EHR's OperationOutcome, which can quote document values) only for
 * operators and auditors.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TrackingView(String trackingId, String kind, String documentId, int version, String status, String source,
        String sha256, String state, int attempts, OffsetDateTime nextAttemptAt, OffsetDateTime receivedAt,
        OffsetDateTime updatedAt, @JsonRawValue String outcome, List<TrackedDocument.Transition> history,
        List<TrackedDocument.WrittenResource> resources) {

    static TrackingView of(TrackedDocument d, boolean withOutcome) {
        return new TrackingView(d.trackingId(), d.kind(), d.documentId(), d.version(), d.status(), d.source(),
                d.sha256(), d.state().name(), d.attempts(), d.nextAttemptAt(), d.receivedAt(), d.updatedAt(),
                withOutcome ? d.outcome() : null, d.history(), d.resources());
    }
}
