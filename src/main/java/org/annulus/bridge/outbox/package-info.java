/**
 * The durable outbox: every accepted document version, its state machine with a recorded history,
 * lease-based claims ({@code FOR UPDATE SKIP LOCKED}) and the dispatch that maps a document and
 * writes it to the EHR. API: {@link org.annulus.bridge.outbox.Outbox}.
 */
package org.annulus.bridge.outbox;
