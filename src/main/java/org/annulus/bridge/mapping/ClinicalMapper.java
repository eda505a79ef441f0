package org.annulus.bridge.mapping;

import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Turns any clinic document into the FHIR transaction bundle that records it in the EHR. Pure: no
 * I/O, no clock, no randomness; patient references carry the MRN until the EHR writer resolves them.
 */
@Component
public class ClinicalMapper {

    private final CandidacyMapper candidacy = new CandidacyMapper();
    private final ProcedureMapper procedure = new ProcedureMapper();
    private final MilestoneMapper milestone = new MilestoneMapper();

    public Bundle map(ClinicalDocument document) {
        // Java 17: no pattern switch yet; the interface is sealed, so this list is complete.
        if (document instanceof CandidacyAssessment c) {
            return candidacy.map(c);
        }
        if (document instanceof ProcedureNote p) {
            return procedure.map(p);
        }
        return milestone.map((RecoveryMilestone) document);
    }

    /** Identifier system of the business identifiers on every resource we write. */
    public static String identifierSystem() {
        return DocumentParts.IDENTIFIER_SYSTEM;
    }
}
