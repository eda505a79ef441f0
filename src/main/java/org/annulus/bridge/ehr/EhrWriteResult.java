package org.annulus.bridge.ehr;

import java.time.Duration;
import java.util.List;

/** The outcome of writing one document's bundle to the EHR. */
public sealed interface EhrWriteResult {

    /** Every entry was written (or found already there); server ids and versions as the EHR returned them. */
    /** {@code fallbacks}: resource types the EHR would not take, written as DocumentReference notes instead. */
    record Written(String patientId, List<WrittenEntry> entries, List<String> fallbacks) implements EhrWriteResult {}

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
