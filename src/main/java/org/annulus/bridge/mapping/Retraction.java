package org.annulus.bridge.mapping;

import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Resource;

/**
 * Marks a resource an earlier document version wrote, and a later one no longer produces, as
 * entered in error: FHIR keeps clinical records and flags them rather than deleting them.
 */
final class Retraction {

    /** The status element of each other type we write; each has the code "entered-in-error". */
    private static final Map<String, String> STATUS_ELEMENT = Map.of(
            "Observation", "status",
            "Procedure", "status",
            "DocumentReference", "status",
            "ServiceRequest", "status",
            "CarePlan", "status",
            "Goal", "lifecycleStatus",
            "MedicationAdministration", "status",
            "Medication", "status");

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
        } else if (STATUS_ELEMENT.containsKey(retracted.fhirType())) {
            retracted.setProperty(STATUS_ELEMENT.get(retracted.fhirType()), new CodeType("entered-in-error"));
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
