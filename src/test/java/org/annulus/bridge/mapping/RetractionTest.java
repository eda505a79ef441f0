package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every type we write is retracted by its own status element; a type we never write is left alone. */
class RetractionTest {

    static Stream<DomainResource> ours() {
        return Stream.of(
                new Observation().setStatus(Observation.ObservationStatus.FINAL),
                new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED),
                new DocumentReference().setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT),
                new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE),
                new CarePlan().setStatus(CarePlan.CarePlanStatus.ACTIVE),
                new Goal().setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE),
                new MedicationAdministration()
                        .setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED),
                new Medication().setStatus(Medication.MedicationStatus.ACTIVE));
    }

    @ParameterizedTest
    @MethodSource("ours")
    void aRetractedResourceIsEnteredInError(DomainResource resource) {
        identified(resource);

        Resource retracted = Retraction.of(resource).orElseThrow().getResource();

        String element = retracted instanceof Goal ? "lifecycleStatus" : "status";
        assertThat(retracted.getNamedProperty(element).getValues().get(0).primitiveValue())
                .isEqualTo("entered-in-error");
        assertThat(resource.getNamedProperty(element).getValues().get(0).primitiveValue())
                .as("the earlier version is copied, not changed")
                .isNotEqualTo("entered-in-error");
    }

    @org.junit.jupiter.api.Test
    void aConditionLosesItsClinicalStatus() {
        Condition condition = new Condition();
        identified(condition);

        Condition retracted = (Condition) Retraction.of(condition).orElseThrow().getResource();

        assertThat(retracted.hasClinicalStatus()).isFalse();
        assertThat(retracted.getVerificationStatus().getCodingFirstRep().getCode())
                .isEqualTo("entered-in-error");
    }

    @org.junit.jupiter.api.Test
    void aTypeWeDoNotWriteIsNotRetracted() {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(DocumentParts.IDENTIFIER_SYSTEM).setValue("x/1/p");

        assertThat(Retraction.of(patient)).isEmpty();
    }

    private static void identified(Resource resource) {
        resource.setProperty(
                "identifier",
                new org.hl7.fhir.r4.model.Identifier()
                        .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                        .setValue("kind/patient/doc/part"));
    }
}
