package org.annulus.bridge.intake;

import org.hl7.fhir.r4.model.OperationOutcome;

/** What intake made of a submission. */
public sealed interface IntakeResult {

    /** Durably stored; {@code duplicate} when the same version and content had been accepted before. */
    record Accepted(String trackingId, boolean duplicate) implements IntakeResult {}

    /**
     * Refused, with the HTTP status that fits (400 malformed, 409 version conflict, 413 too large,
     * 422 contract violation) and an OperationOutcome naming each problem by path.
     */
    record Refused(int httpStatus, OperationOutcome outcome) implements IntakeResult {}
}
