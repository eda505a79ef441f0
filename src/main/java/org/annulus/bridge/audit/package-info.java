/**
 * Audit: the auditor's trace of every document through the bridge and into the EHR, the export of
 * the audit trail, and the read-only trace page.
 */
package org.annulus.bridge.audit;
