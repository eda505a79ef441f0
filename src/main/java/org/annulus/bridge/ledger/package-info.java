/**
 * The write ledger: what the bridge wrote to each EHR, by business identifier — the EHR's server id,
 * the version we last wrote, and the write in flight whose outcome is not known yet. Writes are
 * planned from it (create only without a server id, update by id with {@code If-Match}), because a
 * hospital EHR offers neither transactions nor conditional creates. Depends on no module.
 * API: {@link org.annulus.bridge.ledger.WriteLedger}, {@link org.annulus.bridge.ledger.LedgerEntry}.
 */
package org.annulus.bridge.ledger;
