package org.annulus.bridge.sync;

import org.annulus.bridge.ehr.EhrWriteResult;

/**
 * Why a step of the {@code sync-document} route (camel-routes/outbox-dispatch.yaml) stopped a
 * document: each kind is caught by the route's {@code onException} and sent to the step that
 * records the state it leads to. Messages name the problem, never patient data.
 */
public abstract sealed class SyncFailure extends RuntimeException {

    SyncFailure(String reason) {
        super(reason, null, false, false);
    }

    /** The stored document could not be read or mapped to FHIR: REJECTED. */
    public static final class MappingFailed extends SyncFailure {
        MappingFailed(String reason) {
            super(reason);
        }
    }

    /** The FHIR resources (mapped or added at send time) break the profiles: REJECTED, with the report. */
    public static final class ValidationFailed extends SyncFailure {
        final String outcome;

        ValidationFailed(String reason, String outcome) {
            super(reason);
            this.outcome = outcome;
        }
    }

    /** No EHR patient, or several, carry the document's MRN: AWAITING_PATIENT_MATCH. */
    public static final class NoPatientMatch extends SyncFailure {
        NoPatientMatch(String reason) {
            super(reason);
        }
    }

    /** The EHR failed in a way worth retrying (timeout, 408/409/429/5xx): RETRY_SCHEDULED, DEAD once bridge.outbox.retry-for is over. */
    public static final class EhrRetryable extends SyncFailure {
        final transient EhrWriteResult.Failed failure;

        EhrRetryable(EhrWriteResult.Failed failure) {
            super(failure.reason());
            this.failure = failure;
        }
    }

    /** The circuit breaker is open: the EHR was not called. RETRY_SCHEDULED until the breaker lets a probe through, no attempt counted. */
    public static final class CircuitOpen extends SyncFailure {
        final transient EhrWriteResult.Failed failure;

        CircuitOpen(EhrWriteResult.Failed failure) {
            super(failure.reason());
            this.failure = failure;
        }
    }

    /** The EHR refused the write (4xx other than 408/409/429): DEAD, replayable by an operator. */
    public static final class EhrRefused extends SyncFailure {
        final transient EhrWriteResult.Failed failure;

        EhrRefused(EhrWriteResult.Failed failure) {
            super(failure.reason());
            this.failure = failure;
        }
    }

    /** Another worker moved the document first, or took over its lease: nothing to record. */
    public static final class Overtaken extends SyncFailure {
        Overtaken() {
            super("the document was moved on by another worker, or its lease was taken over");
        }
    }
}
