package org.annulus.bridge.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The result of recomputing the audit chain and its checkpoint signatures.
 *
 * @param status                {@code OK} or {@code BROKEN}
 * @param records               how many records were checked
 * @param checkpoints           how many checkpoints were checked
 * @param firstBroken           where the chain first breaks, null when OK
 * @param unverifiedCheckpoints checkpoints signed by a key no longer published (a temporary development
 *                              key from an earlier run): their hashes were checked, their signatures not
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChainVerification(
        String status, long records, long checkpoints, Break firstBroken, List<Long> unverifiedCheckpoints) {

    /**
     * @param seq      the record (or checkpoint) where it breaks
     * @param what     {@code record} or {@code checkpoint}
     * @param problem  what differs
     * @param expected the value the chain demands, if one
     * @param found    the value stored, if one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Break(long seq, String what, String problem, String expected, String found) {}

    public boolean ok() {
        return firstBroken == null;
    }

    static ChainVerification ok(long records, long checkpoints, List<Long> unverified) {
        return new ChainVerification(
                "OK", records, checkpoints, null, unverified.isEmpty() ? null : List.copyOf(unverified));
    }

    static ChainVerification broken(long records, long checkpoints, Break at) {
        return new ChainVerification("BROKEN", records, checkpoints, at, null);
    }
}
