package org.annulus.bridge.document;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A recovery milestone recorded at a follow-up after the procedure. Fields after {@code note} are
 * contract v1.1 (optional; null in a v1 document): the visit, the side of the leg pain and the
 * patient global impression of change (PGIC, 1 very much improved to 7 very much worse).
 */
public record RecoveryMilestone(
        DocumentKind kind,
        String schemaVersion,
        String documentId,
        int version,
        DocumentStatus status,
        String procedureDocumentId,
        PatientIdentity patient,
        Author author,
        OffsetDateTime recordedAt,
        String milestone,
        Integer daysSinceProcedure,
        Integer legPainNrs,
        Integer backPainNrs,
        BigDecimal odi,
        List<ClinicalEvent> adverseEvents,
        String note,
        String visit,
        Side legPainSide,
        Integer pgic)
        implements ClinicalDocument {

    public RecoveryMilestone {
        adverseEvents = adverseEvents == null ? List.of() : List.copyOf(adverseEvents);
    }

    /** This milestone with the side of its leg pain (for a v1 follow-up, the side of its baseline). */
    public RecoveryMilestone withLegPainSide(Side side) {
        return new RecoveryMilestone(
                kind,
                schemaVersion,
                documentId,
                version,
                status,
                procedureDocumentId,
                patient,
                author,
                recordedAt,
                milestone,
                daysSinceProcedure,
                legPainNrs,
                backPainNrs,
                odi,
                adverseEvents,
                note,
                visit,
                side,
                pgic);
    }

    @Override
    public OffsetDateTime clinicalTime() {
        return recordedAt;
    }

    @Override
    public String relatedDocumentId() {
        return procedureDocumentId;
    }
}
