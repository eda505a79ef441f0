package org.annulus.bridge.document;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** A recovery milestone recorded at a follow-up after the procedure. */
public record RecoveryMilestone(
        DocumentKind kind, String schemaVersion, String documentId, int version, DocumentStatus status,
        String procedureDocumentId, PatientIdentity patient, Author author, OffsetDateTime recordedAt,
        String milestone, Integer daysSinceProcedure, Integer legPainNrs, Integer backPainNrs, BigDecimal odi,
        List<ClinicalEvent> adverseEvents, String note)
        implements ClinicalDocument {

    public RecoveryMilestone {
        adverseEvents = adverseEvents == null ? List.of() : List.copyOf(adverseEvents);
    }
}
