package org.annulus.bridge.mapping;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;

/** The common shape of every Condition we write: a US Core problem-list item asserted by the author. */
final class Conditions {

    private Conditions() {}

    static Condition problem(DocumentParts parts, String part, CodeableConcept code, DateTimeType recorded) {
        Condition condition = new Condition();
        condition.getMeta().addProfile(Profiles.CONDITION);
        condition.addIdentifier(parts.identifier(part));
        if (parts.retracted()) {
            // con-5: no clinicalStatus once the verification status is entered-in-error.
            condition.setVerificationStatus(new CodeableConcept(
                    new Coding(Terminology.CONDITION_VER_STATUS, "entered-in-error", "Entered in Error")));
        } else {
            condition.setClinicalStatus(
                    new CodeableConcept(new Coding(Terminology.CONDITION_CLINICAL, "active", "Active")));
            condition.setVerificationStatus(
                    new CodeableConcept(new Coding(Terminology.CONDITION_VER_STATUS, "confirmed", "Confirmed")));
        }
        condition.addCategory(new CodeableConcept(
                new Coding(Terminology.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")));
        condition.setCode(code);
        condition.setSubject(parts.patient());
        condition.setRecordedDateElement(recorded.copy());
        condition.setRecorder(parts.author());
        condition.setAsserter(parts.author());
        condition.setText(DocumentParts.narrative(code.getText(), parts.sourceLine()));
        return condition;
    }
}
