package org.annulus.bridge.outbox;

/**
 * A worker's claim on one document: who holds it and the random token of this claim. Every state
 * transition the worker makes names the token, so once the lease was taken over (it ran out and another
 * worker claimed the document) the worker can no longer write a state.
 */
public record Lease(String trackingId, String owner, String token) {}
