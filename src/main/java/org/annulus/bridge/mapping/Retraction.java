package org.annulus.bridge.mapping;

import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * Marks a resource an earlier document version wrote, and a later one no longer produces, as
 * entered in error: FHIR keeps clinical records and flags them rather than deleting them.
 */
final class Retraction {

    private Retraction() {}

    static Optional<Bundle.BundleEntryComponent> of(Resource earlier) {
        Optional<String> identifier = businessIdentifier(earlier);
        if (identifier.isEmpty()) {
            return Optional.empty();
        }
        Resource retracted = earlier.copy();
        if (retracted instanceof Condition c) {
            c.setClinicalStatus(null);
            c.setVerificationStatus(new CodeableConcept(
                    new Coding(Terminology.CONDITION_VER_STATUS, "entered-in-error", "Entered in Error")));
        } else if (retracted instanceof Observation o) {
            o.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
        } else if (retracted instanceof Procedure p) {
            p.setStatus(Procedure.ProcedureStatus.ENTEREDINERROR);
        } else if (retracted instanceof DocumentReference d) {
            d.setStatus(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);
        } else if (retracted instanceof ServiceRequest s) {
            s.setStatus(ServiceRequest.ServiceRequestStatus.ENTEREDINERROR);
        } else if (retracted instanceof CarePlan p) {
            p.setStatus(CarePlan.CarePlanStatus.ENTEREDINERROR);
        } else if (retracted instanceof Goal g) {
            g.setLifecycleStatus(Goal.GoalLifecycleStatus.ENTEREDINERROR);
        } else if (retracted instanceof MedicationAdministration m) {
            m.setStatus(MedicationAdministration.MedicationAdministrationStatus.ENTEREDINERROR);
        } else if (retracted instanceof Medication m) {
            m.setStatus(Medication.MedicationStatus.ENTEREDINERROR);
        } else {
            return Optional.empty();
        }
        if (retracted instanceof org.hl7.fhir.r4.model.DomainResource dr && dr.hasText()) {
            dr.getText()
                    .getDiv()
                    .addTag(0, "p")
                    .addText("Entered in error: a later version of the source document no longer records this.");
        }
        String value = identifier.get();
        return Optional.of(DocumentParts.updateEntry(
                "urn:uuid:" + java.util.UUID.nameUUIDFromBytes(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                retracted,
                value));
    }

    static Optional<String> businessIdentifier(Resource resource) {
        return new ca.uhn.fhir.util.FhirTerser(ca.uhn.fhir.context.FhirContext.forR4Cached())
                .getValues(resource, "identifier", Identifier.class).stream()
                        .filter(i -> DocumentParts.IDENTIFIER_SYSTEM.equals(i.getSystem()))
                        .map(Identifier::getValue)
                        .findFirst();
    }
}
