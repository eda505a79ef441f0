package org.annulus.bridge.document;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** The intra-annular fibrin injection as performed: one entry in {@code levels} per treated disc. */
public record ProcedureNote(
        DocumentKind kind, String schemaVersion, String documentId, int version, DocumentStatus status,
        String candidacyDocumentId, PatientIdentity patient, Author author, String facility,
        OffsetDateTime start, OffsetDateTime end, String guidance, Anesthesia anesthesia,
        List<TreatedLevel> levels, List<ClinicalEvent> complications, String disposition, String narrative)
        implements ClinicalDocument {

    public ProcedureNote {
        levels = levels == null ? List.of() : List.copyOf(levels);
        complications = complications == null ? List.of() : List.copyOf(complications);
    }

    public record Anesthesia(String local, String sedation) {
    }

    public record TreatedLevel(DiscLevel level, String approach, BigDecimal fibrinVolumeMl, String productLot) {
    }
}
