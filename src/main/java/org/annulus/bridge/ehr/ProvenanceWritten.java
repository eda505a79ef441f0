package org.annulus.bridge.ehr;

import java.time.Instant;

/**
 * Published once a send's resources are written, with its Provenance (targets with their EHR versions),
 * so the audit log keeps it beside the AuditEvents: an auditor's export then holds both, even where the
 * EHR takes no Provenance (Epic, Oracle Health), refused it, or later loses or edits its copy.
 *
 * @param patient    the EHR patient the send wrote to ({@code Patient/<id>})
 * @param trackingId the document's tracking id
 * @param provenance the Provenance as written (or as the EHR would have been sent it), FHIR JSON
 * @param at         when the EHR answered
 */
public record ProvenanceWritten(String patient, String trackingId, String provenance, Instant at) {}
