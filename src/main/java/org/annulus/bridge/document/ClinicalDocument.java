package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** One clinic document of any kind; the envelope fields every kind shares. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "kind", visible = true)
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
}
