package org.annulus.bridge;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Duration;
import java.util.List;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.annulus.jpaserver.JpaFhirServerProcess.Mode;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/** The JPA test server in a restricted mode, and the resources every such EHR keeps read-only. */
final class RestrictedEhrFixtures {

    private RestrictedEhrFixtures() {}

    /** Launched at once, on a free port, in its own temporary folder; {@link #ready} waits for it. */
    static JpaFhirServerProcess launch(Mode mode) {
        return JpaFhirServerProcess.launch(
                H2DocumentFlowTest.tempDir("bridge-" + mode.name().toLowerCase(java.util.Locale.ROOT) + "-")
                        .resolve("ehr"),
                JvmProcess.freePort(),
                mode);
    }

    static IGenericClient ready(JpaFhirServerProcess ehr) {
        ehr.awaitReady(Duration.ofSeconds(150));
        return ehr.client();
    }

    /**
     * An open ambulatory Encounter of the patient with the hospital's visit number ({@link
     * RestrictedEhrSyncContract#VISITS}), as the hospital registers it: what a document's {@code visit} names.
     * Its server id.
     */
    static String openVisit(JpaFhirServerProcess ehr, String patientId, String visitNumber) {
        Encounter visit = new Encounter()
                .setStatus(Encounter.EncounterStatus.INPROGRESS)
                .setSubject(new Reference("Patient/" + patientId));
        visit.getClass_()
                .setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode")
                .setCode("AMB");
        visit.addIdentifier().setSystem(RestrictedEhrSyncContract.VISITS).setValue(visitNumber);
        return ehr.client().create().resource(visit).execute().getId().getIdPart();
    }

    /** A care plan, a goal and an order for the patient: no restricted mode lets a client write them. */
    static List<Resource> carePlanGoalAndOrder(Reference subject) {
        CarePlan plan = new CarePlan()
                .setStatus(CarePlan.CarePlanStatus.ACTIVE)
                .setIntent(CarePlan.CarePlanIntent.PLAN)
                .setSubject(subject);
        Goal goal =
                new Goal().setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE).setSubject(subject);
        goal.getDescription().setText("walk without pain");
        ServiceRequest order = new ServiceRequest()
                .setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                .setSubject(subject);
        return List.of(plan, goal, order);
    }
}
