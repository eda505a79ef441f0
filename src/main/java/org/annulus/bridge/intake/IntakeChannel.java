package org.annulus.bridge.intake;

/**
 * How a channel (REST, file drop) hands a submission to the {@code intake} route
 * (camel-routes/intake.yaml, {@code direct:intake}): raw bytes in, the intake result back. A failure
 * inside the route (the store down) reaches the caller as the exception the route raised, so each
 * channel keeps its own answer to it (HTTP 503, the file back to the inbox).
 */
@FunctionalInterface
public interface IntakeChannel {

    /** Exchange header: the channel a document came by (api, file, broker). */
    String SOURCE = "bridgeSource";
    /** Exchange header: the submitting client, when the channel knows one. */
    String SUBMITTER = "bridgeSubmitter";

    String ENDPOINT = "direct:intake";

    /** Hands one submission to the intake route and returns its answer. */
    IntakeResult submit(byte[] body, String source, String submitter);
}
