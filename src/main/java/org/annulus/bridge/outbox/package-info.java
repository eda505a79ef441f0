/**
 * The durable outbox: every accepted document version, its state machine with a recorded history,
 * lease-based claims ({@code FOR UPDATE SKIP LOCKED}), the ledger of what each send wrote, and
 * retention. A store only: it maps nothing and calls no EHR (that is {@code sync}). API:
 * {@link org.annulus.bridge.outbox.Outbox} (intake, operators), {@link org.annulus.bridge.outbox.Dispatch}
 * (sync).
 */
package org.annulus.bridge.outbox;
