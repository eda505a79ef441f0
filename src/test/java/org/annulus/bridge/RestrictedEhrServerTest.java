package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.annulus.bridge.ehr.EhrProfile;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.annulus.jpaserver.JpaFhirServerProcess.Mode;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HAPI FHIR JPA test server in its {@code epic-like} mode refuses what Epic refuses a backend app,
 * and its CapabilityStatement says so, in agreement with the {@code epic} EHR profile: each restriction
 * proved with plain HAPI client calls, as the bridge would make them. One server process for the whole
 * class. Fictional data only.
 */
class RestrictedEhrServerTest {

    static final String MRN_SYSTEM = TestPatients.MRN_SYSTEM;
    static final String BRIDGE_SID = JpaFhirServerProcess.BRIDGE_SID;

    @RegisterExtension
    static final JpaFhirServerProcess EHR = RestrictedEhrFixtures.launch(Mode.EPIC_LIKE);

    static IGenericClient fhir;
    static String patientId;

    @BeforeAll
    static void seed() {
        fhir = RestrictedEhrFixtures.ready(EHR);
        patientId = EHR.seedPatient(TestPatients.CHIDI_OKAFOR);
    }

    @Test
    void transactionsAndBatchesAreRefusedWith405AndAnOperationOutcome() {
        for (Bundle.BundleType type : List.of(Bundle.BundleType.TRANSACTION, Bundle.BundleType.BATCH)) {
            Bundle bundle = new Bundle().setType(type);
            bundle.addEntry()
                    .setResource(observation("bundled"))
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Observation");

            assertRefused(() -> fhir.transaction().withBundle(bundle).execute(), 405, "transaction or batch");
        }
        assertThat(observationsWith("bundled"))
                .as("nothing of a refused bundle is written")
                .isEmpty();
    }

    @Test
    void aConditionalCreateIsAPlainCreateSoASecondOneDuplicates() {
        Condition problem = condition("problem-resent");

        MethodOutcome first = createIfNoneExist(problem, "problem-resent");
        MethodOutcome second = createIfNoneExist(problem, "problem-resent");

        assertThat(first.getCreated()).isTrue();
        assertThat(second.getCreated()).as("If-None-Exist ignored").isTrue();
        assertThat(second.getId().getIdPart()).isNotEqualTo(first.getId().getIdPart());
    }

    @Test
    void searchByIdentifierIsRefusedOnClinicalTypesWithAnOperationOutcome() {
        fhir.create().resource(observation("searched")).execute();

        for (Class<? extends Resource> type : List.of(Observation.class, Condition.class, DocumentReference.class)) {
            assertRefused(
                    () -> fhir.search()
                            .forResource(type)
                            .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(BRIDGE_SID, "searched"))
                            .returnBundle(Bundle.class)
                            .execute(),
                    400,
                    "no search parameter 'identifier'");
        }
    }

    @Test
    void patientsAndEncountersAreFoundByIdentifierAsAClientFindsThem() {
        Encounter visit = new Encounter()
                .setStatus(Encounter.EncounterStatus.FINISHED)
                .setSubject(new Reference("Patient/" + patientId));
        visit.getClass_()
                .setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode")
                .setCode("AMB");
        visit.addIdentifier()
                .setSystem("urn:oid:2.16.840.1.113883.19.5.99999.2")
                .setValue("V-3301");
        String visitId = fhir.create().resource(visit).execute().getId().getIdPart();

        Bundle patients = fhir.search()
                .forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(MRN_SYSTEM, TestPatients.CHIDI_OKAFOR.mrn()))
                .returnBundle(Bundle.class)
                .execute();
        Bundle visits = fhir.search()
                .forResource(Encounter.class)
                .where(Encounter.IDENTIFIER
                        .exactly()
                        .systemAndIdentifier("urn:oid:2.16.840.1.113883.19.5.99999.2", "V-3301"))
                .and(Encounter.PATIENT.hasId(patientId))
                .returnBundle(Bundle.class)
                .execute();

        assertThat(ids(patients)).containsExactly(patientId);
        assertThat(ids(visits)).containsExactly(visitId);
    }

    @Test
    void nothingOnceWrittenIsUpdatedNeitherAProblemNorAVitalNorANote() {
        Condition problem = condition("problem-amended");
        problem.setId(fhir.create()
                .resource(problem)
                .execute()
                .getId()
                .toUnqualifiedVersionless()
                .getValue());
        Observation vital = observation("observation-amended");
        vital.setId(fhir.create()
                .resource(vital)
                .execute()
                .getId()
                .toUnqualifiedVersionless()
                .getValue());

        problem.getCode().setText("amended");
        vital.getCode().setText("amended");

        assertRefused(() -> fhir.update().resource(problem).execute(), 405, "update of Condition");
        assertRefused(() -> fhir.update().resource(vital).execute(), 405, "update of Observation");
        assertThat(fhir.read()
                        .resource(Condition.class)
                        .withId(problem.getIdPart())
                        .execute()
                        .getCode()
                        .getText())
                .isEqualTo("Chronic low back pain");
    }

    /** Epic's Condition.Create: verificationStatus provisional only, 422 with an OperationOutcome otherwise. */
    @Test
    void aProblemIsCreatedProvisionalOnlyAndAnyOtherVerificationStatusIs422() {
        Condition confirmed = condition("problem-confirmed");
        confirmed
                .getVerificationStatus()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status")
                .setCode("confirmed");
        Condition provisional = condition("problem-provisional");
        provisional
                .getVerificationStatus()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status")
                .setCode("provisional")
                .setDisplay("Provisional");

        assertThatThrownBy(() -> fhir.create().resource(confirmed).execute())
                .isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(422);
                    assertThat(((OperationOutcome) e.getOperationOutcome())
                                    .getIssueFirstRep()
                                    .getDiagnostics())
                            .contains("verificationStatus provisional");
                });
        assertThat(fhir.create().resource(provisional).execute().getId().getIdPart())
                .isNotBlank();
        assertThat(EHR.resourcesByBridgeIdentifier("Condition")).doesNotContainKey("problem-confirmed");
    }

    @Test
    void aConditionalUpdateOrADeleteIsRefusedEvenOnACreatableType() {
        fhir.create().resource(observation("observation-upsert")).execute();
        Observation again = observation("observation-upsert");

        assertRefused(
                () -> fhir.update()
                        .resource(again)
                        .conditionalByUrl("Observation?identifier=" + BRIDGE_SID + "|observation-upsert")
                        .execute(),
                405,
                "conditional update");
        String id = fhir.create()
                .resource(observation("observation-deleted"))
                .execute()
                .getId()
                .getIdPart();
        assertRefused(() -> fhir.delete().resourceById("Observation", id).execute(), 405, "delete");
    }

    @Test
    void proceduresCarePlansGoalsServiceRequestsAndProvenanceAreNotWritten() {
        Reference subject = new Reference("Patient/" + patientId);
        Procedure procedure =
                new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED).setSubject(subject);
        Provenance provenance = new Provenance().addTarget(subject);
        provenance.getRecordedElement().setValueAsString("2026-03-02T10:00:00Z");

        List<Resource> refusedWrites = new ArrayList<>(RestrictedEhrFixtures.carePlanGoalAndOrder(subject));
        refusedWrites.addAll(List.of(procedure, provenance));
        for (Resource refused : refusedWrites) {
            assertRefused(() -> fhir.create().resource(refused).execute(), 405, "create of " + refused.fhirType());
        }
        assertThat(EHR.count("Procedure") + EHR.count("CarePlan") + EHR.count("Goal") + EHR.count("ServiceRequest"))
                .isZero();
    }

    @Test
    void observationsAndClinicalNotesAreCreated() {
        DocumentReference note = new DocumentReference()
                .setStatus(org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT)
                .setSubject(new Reference("Patient/" + patientId));
        note.addIdentifier().setSystem(BRIDGE_SID).setValue("note-created");
        note.getType().setText("Procedure note");
        note.addContent()
                .getAttachment()
                .setContentType("text/plain")
                .setData("Fictional note text.".getBytes(StandardCharsets.UTF_8));

        MethodOutcome vital =
                fhir.create().resource(observation("observation-created")).execute();
        MethodOutcome written = fhir.create().resource(note).execute();

        assertThat(vital.getCreated()).isTrue();
        assertThat(written.getCreated()).isTrue();
        assertThat(fhir.read()
                        .resource(DocumentReference.class)
                        .withId(written.getId().getIdPart())
                        .execute()
                        .getIdentifierFirstRep()
                        .getValue())
                .isEqualTo("note-created");
    }

    @Test
    void theCapabilityStatementSaysWhatTheServerDoes() {
        CapabilityStatement statement =
                fhir.capabilities().ofType(CapabilityStatement.class).execute();
        CapabilityStatementRestComponent rest = statement.getRestFirstRep();
        Map<String, CapabilityStatementRestResourceComponent> types = rest.getResource().stream()
                .collect(Collectors.toMap(r -> r.getType(), r -> r, (a, b) -> a, TreeMap::new));

        assertThat(rest.getInteraction()).extracting(i -> i.getCode().toCode()).doesNotContain("transaction", "batch");
        assertThat(typesWith(types, TypeRestfulInteraction.CREATE))
                .containsExactly("Condition", "DocumentReference", "Encounter", "Observation", "Patient");
        assertThat(typesWith(types, TypeRestfulInteraction.UPDATE)).isEmpty();
        assertThat(typesWith(types, TypeRestfulInteraction.DELETE)).isEmpty();
        assertThat(typesWith(types, TypeRestfulInteraction.PATCH)).isEmpty();
        assertThat(types.values()).noneMatch(r -> r.getConditionalCreate() || r.getConditionalUpdate());
        assertThat(types.values().stream()
                        .filter(r -> r.getSearchParam().stream().anyMatch(p -> "identifier".equals(p.getName())))
                        .map(CapabilityStatementRestResourceComponent::getType))
                .containsExactlyInAnyOrder("Encounter", "Patient");
        assertThat(types.get("Procedure").getInteraction())
                .extracting(i -> i.getCode().toCode())
                .contains("read", "search-type");
    }

    @Test
    void theEpicProfileSaysWhatTheEpicLikeServerDoes() {
        ProfileAgreement.assertAgrees(
                EhrProfile.named("epic"),
                fhir.capabilities().ofType(CapabilityStatement.class).execute());
    }

    @Test
    void aConditionalReferenceInABodyIsNotResolved() {
        Observation vital = observation("observation-conditional-reference");
        vital.setSubject(new Reference("Patient?identifier=" + MRN_SYSTEM + "|" + TestPatients.CHIDI_OKAFOR.mrn()));

        assertThatThrownBy(() -> fhir.create().resource(vital).execute())
                .isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode())
                        .isBetween(400, 499));
    }

    private MethodOutcome createIfNoneExist(Condition problem, String identifier) {
        return fhir.create()
                .resource(problem)
                .conditionalByUrl("Condition?identifier=" + BRIDGE_SID + "|" + identifier)
                .execute();
    }

    private static Condition condition(String identifier) {
        Condition problem = new Condition().setSubject(new Reference("Patient/" + patientId));
        problem.addIdentifier().setSystem(BRIDGE_SID).setValue(identifier);
        problem.getCode().setText("Chronic low back pain");
        return problem;
    }

    private static Observation observation(String identifier) {
        Observation observation = new Observation()
                .setStatus(Observation.ObservationStatus.FINAL)
                .setSubject(new Reference("Patient/" + patientId));
        observation.addIdentifier().setSystem(BRIDGE_SID).setValue(identifier);
        observation.getCode().setText("Pain intensity");
        return observation;
    }

    /** Observations carrying the bridge identifier, found the way a client without identifier search must. */
    private static List<String> observationsWith(String identifier) {
        return EHR.resourcesByBridgeIdentifier("Observation").getOrDefault(identifier, Set.of()).stream()
                .toList();
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart())
                .toList();
    }

    private static Set<String> typesWith(
            Map<String, CapabilityStatementRestResourceComponent> types, TypeRestfulInteraction interaction) {
        return types.values().stream()
                .filter(r -> ProfileAgreement.has(r, interaction))
                .map(CapabilityStatementRestResourceComponent::getType)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void assertRefused(ThrowingCallable call, int status, String diagnostics) {
        assertThatThrownBy(call)
                .isInstanceOf(status == 405 ? MethodNotAllowedException.class : InvalidRequestException.class)
                .satisfies(e -> {
                    BaseServerResponseException refusal = (BaseServerResponseException) e;
                    assertThat(refusal.getStatusCode()).isEqualTo(status);
                    assertThat(refusal.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
                    assertThat(((OperationOutcome) refusal.getOperationOutcome())
                                    .getIssueFirstRep()
                                    .getDiagnostics())
                            .contains(diagnostics);
                });
    }
}
