package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A document's state, history and what it wrote: the tracking resource of the API. {@code submitter}
 * is the API client that sent it (null for the file drop).
 */
public record TrackedDocument(
        String trackingId,
        String kind,
        String documentId,
        int version,
        String status,
        String source,
        String sha256,
        DocumentState state,
        int attempts,
        OffsetDateTime nextAttemptAt,
        OffsetDateTime receivedAt,
        OffsetDateTime updatedAt,
        String outcome,
        List<Transition> history,
        List<WrittenResource> resources,
        String submitter) {

    public record Transition(DocumentState from, DocumentState to, OffsetDateTime at, String reason) {}

    public record WrittenResource(
            String resourceType,
            String serverId,
            String serverVersion,
            String businessIdentifier,
            OffsetDateTime writtenAt) {}
}
