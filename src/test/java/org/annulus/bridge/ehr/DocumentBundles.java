package org.annulus.bridge.ehr;

import java.time.LocalDate;
import java.util.List;
import org.annulus.bridge.document.PatientIdentity;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A document's bundle the way the mapping shapes it: business identifiers, conditional creates and
 * updates, urn:uuid references between entries, and the patient referenced by MRN only. Synthetic
 * patient, no PHI.
 */
final class DocumentBundles {

    static final String SID = "http://annulus.org/fhir/sid/bridge-resource";
    static final String CONDITION_ID = "candidacy/CA-TEST-1/condition-L4-L5";
    static final String OBSERVATION_ID = "candidacy/CA-TEST-1/pain-score";
    static final String CAREPLAN_ID = "recovery-plan/RP-TEST-1/plan";
    static final String CONDITION_URN = "urn:uuid:00000000-0000-4000-8000-00000000c0d1";
    static final String OBSERVATION_URN = "urn:uuid:00000000-0000-4000-8000-0000000000b5";
    static final String CAREPLAN_URN = "urn:uuid:00000000-0000-4000-8000-00000000ca9e";

    static final PatientIdentity PATIENT = new PatientIdentity(
            "T-000123",
            "urn:oid:2.16.840.1.113883.19.5.99999.1",
            "Testperson",
            List.of("Alex"),
            LocalDate.of(1970, 1, 1),
            "female");

    private DocumentBundles() {}

    /**
     * Condition (POST, conditional create) that cites the Observation after it as evidence,
     * the Observation (POST, conditional create), and a CarePlan (PUT, conditional update)
     * addressing the Condition: written one by one, the Observation must go first.
     */
    static Bundle conditionObservationAndCarePlan() {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Condition condition = new Condition();
        condition.addIdentifier(identifier(CONDITION_ID));
        condition.setSubject(patientByMrn());
        condition.getCode().setText("Lumbar disc herniation L4-L5");
        condition.addEvidence().addDetail(new Reference(OBSERVATION_URN));
        create(bundle, CONDITION_URN, condition, CONDITION_ID);

        Observation observation = new Observation();
        observation.addIdentifier(identifier(OBSERVATION_ID));
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setSubject(patientByMrn());
        observation.getCode().setText("Pain score");
        create(bundle, OBSERVATION_URN, observation, OBSERVATION_ID);

        CarePlan plan = new CarePlan();
        plan.addIdentifier(identifier(CAREPLAN_ID));
        plan.setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.setSubject(patientByMrn());
        plan.addAddresses(new Reference(CONDITION_URN));
        plan.getText()
                .setStatus(Narrative.NarrativeStatus.GENERATED)
                .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Walk 20 minutes daily</p></div>");
        bundle.addEntry()
                .setFullUrl(CAREPLAN_URN)
                .setResource(plan)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("CarePlan?identifier=" + SID + "|" + CAREPLAN_ID);
        return bundle;
    }

    private static void create(Bundle bundle, String fullUrl, Resource resource, String businessId) {
        bundle.addEntry()
                .setFullUrl(fullUrl)
                .setResource(resource)
                .getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl(resource.fhirType())
                .setIfNoneExist("identifier=" + SID + "|" + businessId);
    }

    private static Identifier identifier(String value) {
        return new Identifier().setSystem(SID).setValue(value);
    }

    private static Reference patientByMrn() {
        return new Reference()
                .setType("Patient")
                .setIdentifier(new Identifier().setSystem(PATIENT.mrnSystem()).setValue(PATIENT.mrn()));
    }
}
