package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.OffsetDateTime;

/** One clinic document of any kind; the envelope fields every kind shares. */
@JsonTypeInfo(
        use = JsonTypeInfo.Id.NAME,
        include = JsonTypeInfo.As.EXISTING_PROPERTY,
        property = "kind",
        visible = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = CandidacyAssessment.class, name = "candidacy-assessment"),
    @JsonSubTypes.Type(value = ProcedureNote.class, name = "procedure-note"),
    @JsonSubTypes.Type(value = RecoveryMilestone.class, name = "recovery-milestone")
})
public sealed interface ClinicalDocument permits CandidacyAssessment, ProcedureNote, RecoveryMilestone {

    DocumentKind kind();

    String schemaVersion();

    String documentId();

    int version();

    DocumentStatus status();

    PatientIdentity patient();

    Author author();

    /** The visit (contract v1.1) the document was recorded in, or null. */
    String visit();

    /** When the clinical event happened: what per-patient ordering goes by. */
    OffsetDateTime clinicalTime();

    /** The document this one builds on (a procedure note's assessment, a milestone's procedure note), or null. */
    String relatedDocumentId();
}
