package org.annulus.bridge.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * One resource the bridge writes to one EHR.
 *
 * @param serverId the EHR's id, once an answer named it
 * @param writtenVersion the version our last completed write produced: an update sends it as If-Match
 * @param contentSha256 SHA-256 of what that write sent
 * @param pending a write recorded as intended and not completed: in flight, or its outcome unknown
 */
public record LedgerEntry(
        String ehr,
        String businessIdentifier,
        String resourceType,
        Optional<String> serverId,
        Optional<String> writtenVersion,
        Optional<String> contentSha256,
        Optional<Instant> writtenAt,
        Optional<String> writtenBy,
        Optional<PendingWrite> pending) {

    /** A write sent (or about to be) whose answer was never recorded. */
    public record PendingWrite(WriteMethod method, String trackingId, Instant since, Optional<String> intendedSha256) {}

    /**
     * True when an operator filed this resource in the EHR by hand ({@link WriteLedger#recordFiledByHand}):
     * no server id we know, nothing in flight, and the hash of what the bridge would have written.
     */
    public boolean filedByHand() {
        return serverId.isEmpty() && pending.isEmpty() && contentSha256.isPresent();
    }

    /** True when an earlier create may have landed without our knowing its id: look before creating again. */
    public boolean mayExistUnknown() {
        return serverId.isEmpty() && pending.isPresent();
    }
}
