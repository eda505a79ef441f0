package org.annulus.bridge.outbox;

/** What the outbox made of a document handed to it. */
public sealed interface AcceptResult {

    String trackingId();

    /** Newly stored. */
    record Accepted(String trackingId) implements AcceptResult {}

    /** The same version with the same content was accepted before: nothing new stored. */
    record AlreadyAccepted(String trackingId) implements AcceptResult {}

    /**
     * An earlier version of this document was accepted for another patient: refused, nothing stored.
     * A document stays with its patient.
     */
    record PatientConflict(String trackingId) implements AcceptResult {}

    /** The same version was accepted before with different content: refused, send a higher version. */
    record VersionConflict(String trackingId) implements AcceptResult {}
}
