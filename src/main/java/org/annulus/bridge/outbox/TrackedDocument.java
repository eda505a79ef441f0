package org.annulus.bridge.outbox;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A document's state, history and what it wrote: the tracking resource of the API. {@code submitter}
 * is the API client that sent it (null for the file drop). {@code waitingFor}: the document of the same
 * patient it waits behind before it may be sent (in flight, earlier, or parked), or null.
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
        List<HeldResource> held,
        String submitter,
        WaitingFor waitingFor) {

    /** The document another one waits behind: its tracking id and state only (the rest may be PHI). */
    public record WaitingFor(String trackingId, DocumentState state) {}

    public record Transition(DocumentState from, DocumentState to, OffsetDateTime at, String reason) {}

    public record WrittenResource(
            String resourceType,
            String serverId,
            String serverVersion,
            String businessIdentifier,
            OffsetDateTime writtenAt) {}

    /**
     * A resource the last send did not write, and why ({@code CONFLICT} or {@code NEEDS_REVIEW}).
     *
     * @param ehr the EHR's base URL (the write ledger is kept per EHR)
     * @param contentSha256 what we meant to write, so that keeping the EHR's version settles it
     */
    public record HeldResource(
            String kind,
            String resourceType,
            String businessIdentifier,
            String serverId,
            String ourVersion,
            String ehrVersion,
            String contentSha256,
            String ehr,
            String reason) {}
}
