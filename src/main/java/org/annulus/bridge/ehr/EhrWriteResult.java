package org.annulus.bridge.ehr;

import java.time.Duration;
import java.util.List;

/** The outcome of writing one document's bundle to the EHR. */
public sealed interface EhrWriteResult {

    /**
     * Every entry was written, found written before, or held; server ids and versions as the EHR
     * returned them. {@code fallbacks}: resource types the EHR would not take, written as
     * DocumentReference notes instead. {@code held}: resources this send did not write (a
     * clinician's edit, an update the EHR does not take, an outcome no search could settle).
     */
    record Written(String patientId, List<WrittenEntry> entries, List<String> fallbacks, List<Held> held)
            implements EhrWriteResult {

        public Written {
            held = List.copyOf(held);
        }

        /** True when something must be resolved by a person before the document counts as synced. */
        public boolean anyHeld() {
            return !held.isEmpty();
        }

        /** True when a resource was changed in the EHR since we wrote it. */
        public boolean anyConflict() {
            return held.stream().anyMatch(h -> h.kind() == Held.Kind.CONFLICT);
        }
    }

    /**
     * A resource a send did not write, and why. Versions and ids are the EHR's; no patient data.
     *
     * @param contentSha256 what we meant to write: keeping the EHR's version settles exactly that
     * @param ehr the EHR's base URL, whose write ledger knows the resource
     */
    record Held(
            Kind kind,
            String resourceType,
            String businessIdentifier,
            String serverId,
            String ourVersion,
            String ehrVersion,
            String reason,
            String contentSha256,
            String ehr) {

        public enum Kind {
            /** The EHR's current version is not the one we wrote: someone changed it there. */
            CONFLICT,
            /** Something a person must reconcile: no update for the type, or an outcome no look-up can settle. */
            NEEDS_REVIEW
        }
    }

    /** Zero or several EHR patients carry the document's MRN; candidates are EHR Patient ids. */
    record NoPatientMatch(String reason, List<String> candidates) implements EhrWriteResult {}

    /**
     * The EHR could not be written. {@code retryable} for timeouts, 408/429/5xx and the like;
     * {@code outcome} is the server's OperationOutcome JSON when it sent one.
     */
    record Failed(boolean retryable, Integer httpStatus, String reason, String outcome, Duration retryAfter)
            implements EhrWriteResult {

        /** The start of the reason when the circuit breaker kept the EHR from being called at all. */
        static final String CIRCUIT_OPEN = "EHR failing repeatedly: not called while the circuit breaker is open";

        /** The EHR was not called: its circuit breaker is open. */
        public boolean circuitOpen() {
            return httpStatus == null && reason.startsWith(CIRCUIT_OPEN);
        }
    }

    record WrittenEntry(String resourceType, String id, String version, String businessIdentifier) {}
}
