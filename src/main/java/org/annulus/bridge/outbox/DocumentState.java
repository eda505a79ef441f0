package org.annulus.bridge.outbox;

import java.util.EnumSet;
import java.util.Set;

/** Where an accepted document is on its way to the EHR. */
public enum DocumentState {
    /** Stored durably; not yet mapped. */
    ACCEPTED,
    /** Mapped to FHIR and validated; waiting to be sent. */
    MAPPED,
    /** A send is under way (or was, when the process died: it is resumed). */
    SENDING,
    /** The last send failed in a way worth retrying; next_attempt_at says when. */
    RETRY_SCHEDULED,
    /** Written to the EHR. Final. */
    SYNCED,
    /** The document cannot be turned into valid FHIR; the outcome says why. Final. */
    REJECTED,
    /** No single EHR patient matches the document's MRN; an operator must decide. */
    AWAITING_PATIENT_MATCH,
    /** A newer version of the same document is in the EHR or arrived first; this one changes nothing. Final. */
    SUPERSEDED,
    /**
     * A resource this document would change was changed in the EHR since the bridge wrote it (a
     * clinician's edit): it was not overwritten. The tracking record names each resource with our
     * version and the EHR's; an operator overwrites, keeps the EHR's, or marks it handled.
     */
    CONFLICT,
    /**
     * Written as far as the EHR allows; what it could not apply (an amendment of a type it takes no
     * updates of, a create whose outcome no search could settle) waits for a person to reconcile.
     * The tracking record says exactly what to check.
     */
    NEEDS_REVIEW,
    /** Retries exhausted or a non-retryable EHR error; replayable. */
    DEAD;

    /** States a worker may pick up. */
    public static final Set<DocumentState> WORKABLE = EnumSet.of(ACCEPTED, MAPPED, SENDING, RETRY_SCHEDULED);

    /**
     * States that wait for an operator. By default a parked document holds back its patient's later
     * documents until it moves on or an operator releases it ({@code bridge.outbox.parked-blocks-patient}).
     */
    public static final Set<DocumentState> PARKED = EnumSet.of(DEAD, AWAITING_PATIENT_MATCH, CONFLICT, NEEDS_REVIEW);
}
