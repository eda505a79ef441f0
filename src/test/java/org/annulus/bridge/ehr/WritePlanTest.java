package org.annulus.bridge.ehr;

import static org.annulus.bridge.ehr.DocumentBundles.CAREPLAN_ID;
import static org.annulus.bridge.ehr.DocumentBundles.PATIENT;
import static org.annulus.bridge.ehr.DocumentBundles.SID;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The plan of a send, decided from what the EHR told, before anything is sent: no HTTP here. */
class WritePlanTest {

    static final String VISITS = "urn:oid:2.16.840.1.113883.19.5.99999.2";
    static final FhirContext FHIR = FhirContext.forR4Cached();

    final Bundle mapped = DocumentBundles.conditionObservationAndCarePlan();

    @Test
    void patientReferencesNameTheMatchedEhrPatientAndTheMappedBundleStaysAsItWas() {
        String before = FHIR.newJsonParser().encodeResourceToString(mapped);

        WritePlan plan = planAt(ehrTaking(true, "Condition", "Observation", "CarePlan"));

        assertThat(plan.toSend().getEntry())
                .allSatisfy(e -> assertThat(FHIR.newJsonParser().encodeResourceToString(e.getResource()))
                        .contains("\"reference\":\"Patient/p1\""));
        assertThat(FHIR.newJsonParser().encodeResourceToString(mapped)).isEqualTo(before);
    }

    @Test
    void aVisitTheEhrKnowsBecomesALiteralReferenceAndOneItDoesNotStaysLogical() {
        Observation observation = (Observation) mapped.getEntry().get(1).getResource();
        observation.setEncounter(visit("V-77"));
        Procedure unknownVisit = new Procedure();
        unknownVisit.setEncounter(visit("V-78"));
        mapped.addEntry().setFullUrl("urn:uuid:p").setResource(unknownVisit);

        assertThat(WritePlan.visits(mapped)).extracting(Identifier::getValue).containsExactly("V-77", "V-78");
        WritePlan plan = WritePlan.of(
                mapped, PATIENT, "p1", Map.of(VISITS + "|V-77", "enc-9"), ehrTaking(true, "Observation", "Procedure"));

        assertThat(((Observation) plan.toSend().getEntry().get(1).getResource())
                        .getEncounter()
                        .getReference())
                .isEqualTo("Encounter/enc-9");
        assertThat(((Procedure) plan.toSend().getEntry().get(3).getResource()).getEncounter())
                .satisfies(ref -> {
                    assertThat(ref.hasReference()).isFalse();
                    assertThat(ref.getIdentifier().getValue()).isEqualTo("V-78");
                });
    }

    @Test
    void aTypeTheEhrTakesNoWritesOfGoesInAsANoteAndThePlanSaysSo() {
        WritePlan plan = planAt(ehrTaking(true, "Condition", "Observation", "DocumentReference"));

        assertThat(plan.toSend().getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactly("Condition", "Observation", "DocumentReference");
        Bundle.BundleEntryComponent note = plan.toSend().getEntry().get(2);
        assertThat(note.getFullUrl()).isEqualTo(DocumentBundles.CAREPLAN_URN);
        assertThat(note.getRequest().getUrl())
                .isEqualTo("DocumentReference?identifier=" + SID + "|" + CAREPLAN_ID + "/as-note");
        assertThat(((DocumentReference) note.getResource()).getSubject().getReference())
                .as("the note is about the matched patient too")
                .isEqualTo("Patient/p1");
        assertThat(plan.notes()).singleElement().satisfies(n -> assertThat(n.describe())
                .isEqualTo("CarePlan -> progress note"));
        assertThat(plan.noteTypes()).containsExactly("CarePlan");
        assertThat(plan.mode()).isEqualTo(WritePlan.Mode.TRANSACTION);
        assertThat(plan)
                .hasToString("one transaction: Condition, Observation, DocumentReference; CarePlan -> progress note");
    }

    @Test
    void aProcedureTheEhrTakesNoWritesOfIsAProcedureNote() {
        Procedure procedure = new Procedure();
        procedure.addIdentifier().setSystem(SID).setValue("procedure/P-1/procedure");
        procedure.setSubject(new Reference()
                .setIdentifier(new Identifier().setSystem(PATIENT.mrnSystem()).setValue(PATIENT.mrn())));
        add(procedure, Bundle.HTTPVerb.POST, "Procedure");

        WritePlan plan = planAt(ehrTaking(false, "Condition", "Observation", "CarePlan", "DocumentReference"));

        assertThat(plan.notes()).extracting(WritePlan.AsNote::describe).containsExactly("Procedure -> procedure note");
        assertThat(plan)
                .hasToString(
                        "one request at a time: Condition, Observation, CarePlan, DocumentReference; Procedure -> procedure note");
    }

    @Test
    void anEhrThatTakesNoNotesEitherGetsTheResourceAsItIs() {
        WritePlan plan = planAt(ehrTaking(true, "Condition", "Observation"));

        assertThat(plan.toSend().getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactly("Condition", "Observation", "CarePlan");
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void withoutTransactionsTheEntriesGoOneRequestAtATime() {
        WritePlan plan = planAt(ehrTaking(false, "Condition", "Observation", "CarePlan"));

        assertThat(plan.mode()).isEqualTo(WritePlan.Mode.ONE_AT_A_TIME);
        assertThat(plan).hasToString("one request at a time: Condition, Observation, CarePlan");
    }

    @Test
    void theProvenanceComesOutOfTheBundleToGoAfterItAndNeverAsANote() {
        Provenance provenance = new Provenance();
        provenance.addTarget(new Reference(DocumentBundles.CONDITION_URN));
        add(provenance, Bundle.HTTPVerb.PUT, "Provenance/bridge-t1");

        WritePlan plan = planAt(ehrTaking(true, "Condition", "Observation", "CarePlan", "DocumentReference"));

        assertThat(plan.toSend().getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactly("Condition", "Observation", "CarePlan");
        assertThat(plan.provenanceAfter())
                .hasValueSatisfying(e -> assertThat(e.getResource()).isInstanceOf(Provenance.class));
        assertThat(plan.notes()).isEmpty();
        assertThat(plan.toString()).endsWith("; Provenance after");
    }

    @Test
    void thePrintedPlanNamesNoPatient() {
        WritePlan plan = WritePlan.of(
                mapped,
                PATIENT,
                "ehr-patient-4711",
                Map.of(),
                ehrTaking(true, "Condition", "Observation", "DocumentReference"));

        assertThat(plan.toString())
                .doesNotContain("ehr-patient-4711")
                .doesNotContain(PATIENT.mrn())
                .doesNotContain(PATIENT.family())
                .doesNotContain(CAREPLAN_ID);
    }

    private WritePlan planAt(EhrCapabilities.Snapshot capabilities) {
        return WritePlan.of(mapped, PATIENT, "p1", Map.of(), capabilities);
    }

    private void add(org.hl7.fhir.r4.model.Resource resource, Bundle.HTTPVerb method, String url) {
        mapped.addEntry()
                .setFullUrl("urn:uuid:"
                        + java.util.UUID.nameUUIDFromBytes(url.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setResource(resource)
                .getRequest()
                .setMethod(method)
                .setUrl(url);
    }

    private static EhrCapabilities.Snapshot ehrTaking(boolean transaction, String... writable) {
        return new EhrCapabilities.Snapshot(
                Instant.EPOCH,
                transaction,
                Set.of(writable).stream().collect(Collectors.toMap(t -> t, t -> true)),
                java.util.Map.of());
    }

    private static Reference visit(String number) {
        return new Reference()
                .setType("Encounter")
                .setIdentifier(new Identifier().setSystem(VISITS).setValue(number));
    }
}
