/**
 * Audit: the append-only, hash-chained local audit log of IHE BALP AuditEvents, signed checkpoints,
 * verification and retention. Listens to the flow's events (EHR exchanges, token requests, API access);
 * no other module depends on it. API: {@link org.annulus.bridge.audit.AuditLog},
 * {@link org.annulus.bridge.audit.AuditRecord}, {@link org.annulus.bridge.audit.ChainVerification}.
 */
package org.annulus.bridge.audit;
