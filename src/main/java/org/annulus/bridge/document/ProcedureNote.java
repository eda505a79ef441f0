package org.annulus.bridge.document;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The intra-annular fibrin injection as performed: one entry in {@code levels} per treated disc.
 * Fields after {@code narrative} are contract v1.1 (optional; null or empty in a v1 document).
 */
public record ProcedureNote(
        DocumentKind kind,
        String schemaVersion,
        String documentId,
        int version,
        DocumentStatus status,
        String candidacyDocumentId,
        PatientIdentity patient,
        Author author,
        String facility,
        OffsetDateTime start,
        OffsetDateTime end,
        String guidance,
        Anesthesia anesthesia,
        List<TreatedLevel> levels,
        List<ClinicalEvent> complications,
        String disposition,
        String narrative,
        String visit,
        Administration prophylacticAntibiotic,
        Contrast contrast,
        BigDecimal fluoroscopyTimeSeconds)
        implements ClinicalDocument {

    public ProcedureNote {
        levels = levels == null ? List.of() : List.copyOf(levels);
        complications = complications == null ? List.of() : List.copyOf(complications);
    }

    /** {@code sedationAgents} is v1.1: each agent given for procedural sedation, with its dose. */
    public record Anesthesia(String local, String sedation, List<Administration> sedationAgents) {
        public Anesthesia {
            sedationAgents = sedationAgents == null ? List.of() : List.copyOf(sedationAgents);
        }
    }

    public record TreatedLevel(DiscLevel level, String approach, BigDecimal fibrinVolumeMl, String productLot) {}

    /** A drug given during the session (v1.1): agent as named by the clinic, dose and route. */
    public record Administration(String agent, BigDecimal dose, String unit, String route, OffsetDateTime givenAt) {}

    /** Contrast medium injected to confirm needle position (v1.1). */
    public record Contrast(String agent, BigDecimal volumeMl) {}

    @Override
    public OffsetDateTime clinicalTime() {
        return start;
    }

    @Override
    public String relatedDocumentId() {
        return candidacyDocumentId;
    }
}
