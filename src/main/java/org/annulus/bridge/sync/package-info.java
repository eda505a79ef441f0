/**
 * One document's way to the EHR: the steps of the dispatch routes (camel-routes/outbox-dispatch.yaml)
 * that claim due documents from the outbox, map and validate them, compose what send time adds,
 * write it to the EHR and record the outcome in the outbox. API: {@link org.annulus.bridge.sync.DocumentSync},
 * {@link org.annulus.bridge.sync.SyncOutcomes} and {@link org.annulus.bridge.sync.SyncFailure} (named by the routes).
 */
package org.annulus.bridge.sync;
