package org.annulus.bridge.ehr;

import static org.annulus.bridge.ehr.DocumentBundles.CAREPLAN_ID;
import static org.annulus.bridge.ehr.DocumentBundles.PATIENT;
import static org.annulus.bridge.ehr.DocumentBundles.SID;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
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

        WritePlan plan =
                planAt(ehrTaking(true, "Condition", "Observation", "CarePlan", "DocumentReference", "Provenance"));

        assertThat(plan.toSend().getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactly("Condition", "Observation", "CarePlan");
        assertThat(plan.provenanceKept()).isFalse();
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

    static final String[] ALL_WRITES = {
        "Condition", "Observation", "Procedure", "CarePlan", "Goal", "ServiceRequest", "DocumentReference", "Provenance"
    };

    @Test
    void theProfileSendsItsNoteTypesAsNotesEvenWhereTheStatementListsTheirCreate() {
        // A statement that says too much: Epic's CarePlan create is not for this use (profile epic).
        ((Observation) mapped.getEntry().get(1).getResource()).setEncounter(visit("V-77"));
        ((org.hl7.fhir.r4.model.CarePlan) mapped.getEntry().get(2).getResource()).setEncounter(visit("V-77"));

        WritePlan plan =
                WritePlan.of(mapped, PATIENT, "p1", Map.of(VISITS + "|V-77", "enc-9"), profile("epic", ALL_WRITES));

        assertThat(plan.toSend().getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactly("Condition", "Observation", "DocumentReference");
        assertThat(plan.notes()).extracting(WritePlan.AsNote::describe).containsExactly("CarePlan -> progress note");
        assertThat(plan.mode()).as("the profile says no transaction").isEqualTo(WritePlan.Mode.ONE_AT_A_TIME);
    }

    @Test
    void aNoteOfAResourceWithoutEncounterIsFiledUnderTheDocumentsVisit() {
        ((Observation) mapped.getEntry().get(1).getResource()).setEncounter(visit("V-77"));

        WritePlan plan =
                WritePlan.of(mapped, PATIENT, "p1", Map.of(VISITS + "|V-77", "enc-9"), profile("epic", ALL_WRITES));

        assertThat(plan.unwritable()).isEmpty();
        assertThat(note(plan).getContext().getEncounterFirstRep().getReference())
                .isEqualTo("Encounter/enc-9");
    }

    @Test
    void aNoteGetsTheProfilesDocStatusAndARetractedOneStaysEnteredInError() {
        WritePlan epic = planAt(profile("oracle-health", ALL_WRITES));
        WritePlan preliminary = WritePlan.of(
                mapped,
                PATIENT,
                "p1",
                Map.of(),
                new EhrRules(statementTaking(false, ALL_WRITES), epicWithoutEncounters()));

        assertThat(note(epic).getDocStatus()).isEqualTo(DocumentReference.ReferredDocumentStatus.FINAL);
        assertThat(note(preliminary).getDocStatus()).isEqualTo(DocumentReference.ReferredDocumentStatus.PRELIMINARY);

        ((org.hl7.fhir.r4.model.CarePlan) mapped.getEntry().get(2).getResource())
                .setStatus(org.hl7.fhir.r4.model.CarePlan.CarePlanStatus.ENTEREDINERROR);
        WritePlan retracted = WritePlan.of(
                mapped,
                PATIENT,
                "p1",
                Map.of(),
                new EhrRules(statementTaking(false, ALL_WRITES), epicWithoutEncounters()));
        assertThat(note(retracted).getDocStatus()).isEqualTo(DocumentReference.ReferredDocumentStatus.ENTEREDINERROR);
    }

    @Test
    void aConditionOfACategoryTheEhrDoesNotTakeGoesAsANote() {
        ((Condition) mapped.getEntry().get(0).getResource())
                .addCategory()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-category")
                .setCode("encounter-diagnosis");
        Observation observation = (Observation) mapped.getEntry().get(1).getResource();
        observation.setEncounter(visit("V-77"));

        WritePlan epic =
                WritePlan.of(mapped, PATIENT, "p1", Map.of(VISITS + "|V-77", "enc-9"), profile("epic", ALL_WRITES));
        WritePlan oracle = planAt(profile("oracle-health", ALL_WRITES));

        assertThat(epic.notes())
                .extracting(WritePlan.AsNote::describe)
                .containsExactly("Condition -> progress note", "CarePlan -> progress note");
        assertThat(oracle.notes()).extracting(WritePlan.AsNote::resourceType).containsExactly("CarePlan");
    }

    /**
     * Epic's Condition.Create takes verificationStatus provisional only (profile data): a confirmed problem
     * is sent provisional, for a clinician to confirm; a retracted one stays entered-in-error; an EHR whose
     * profile names no status gets what the mapping wrote.
     */
    @Test
    void anEhrThatTakesOneConditionVerificationStatusIsSentThatOneExceptForARetraction() {
        Condition condition = (Condition) mapped.getEntry().get(0).getResource();
        condition
                .getVerificationStatus()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status")
                .setCode("confirmed")
                .setDisplay("Confirmed");

        Condition toEpic = (Condition)
                planAt(profile("epic", ALL_WRITES)).toSend().getEntry().get(0).getResource();
        Condition toOracle = (Condition) planAt(profile("oracle-health", ALL_WRITES))
                .toSend()
                .getEntry()
                .get(0)
                .getResource();
        condition
                .getVerificationStatus()
                .getCodingFirstRep()
                .setCode("entered-in-error")
                .setDisplay("Entered in Error");
        Condition retractedToEpic = (Condition)
                planAt(profile("epic", ALL_WRITES)).toSend().getEntry().get(0).getResource();

        assertThat(toEpic.getVerificationStatus().getCoding()).singleElement().satisfies(c -> {
            assertThat(c.getSystem()).isEqualTo("http://terminology.hl7.org/CodeSystem/condition-ver-status");
            assertThat(c.getCode()).isEqualTo("provisional");
            assertThat(c.getDisplay()).isEqualTo("Provisional");
        });
        assertThat(toOracle.getVerificationStatus().getCodingFirstRep().getCode())
                .isEqualTo("confirmed");
        assertThat(retractedToEpic.getVerificationStatus().getCodingFirstRep().getCode())
                .isEqualTo("entered-in-error");
        assertThat(condition.getVerificationStatus().getCodingFirstRep().getCode())
                .as("the mapped bundle stays as it was")
                .isEqualTo("entered-in-error");
        assertThat(profile("epic", ALL_WRITES).describe()).contains("sent as verificationStatus provisional");
    }

    @Test
    void withoutAnEncounterAnEhrThatFilesVitalsAndNotesOnlyUnderOneGetsNeitherAndThePlanHoldsThem() {
        // Epic: Observation and DocumentReference need an encounter; the document's visit is not known there.
        WritePlan plan = planAt(profile("epic", ALL_WRITES));

        assertThat(plan.toSend().getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactly("Condition");
        assertThat(plan.unwritable())
                .extracting(WritePlan.Unwritable::resourceType)
                .containsExactly("Observation", "CarePlan");
        assertThat(plan.unwritable().get(0).businessIdentifier()).isEqualTo(SID + "|" + DocumentBundles.OBSERVATION_ID);
        assertThat(plan.unwritable().get(0).reason())
                .contains("only under an encounter")
                .contains("by hand");
        Condition condition = (Condition) plan.toSend().getEntry().get(0).getResource();
        assertThat(condition.getEvidenceFirstRep().getDetailFirstRep().hasReference())
                .as("no reference to what is not sent: it would not resolve")
                .isFalse();
        assertThat(plan.toString()).contains("Observation -> held for review");
    }

    @Test
    void whereOnlyVitalsNeedAnEncounterAVitalWithoutOneGoesAsANote() {
        WritePlan plan = WritePlan.of(
                mapped,
                PATIENT,
                "p1",
                Map.of(),
                new EhrRules(statementTaking(false, ALL_WRITES), vitalsNeedEncounter()));

        assertThat(plan.notes()).extracting(WritePlan.AsNote::resourceType).containsExactly("Observation");
        assertThat(plan.unwritable()).isEmpty();
    }

    @Test
    void aMedicationTheEhrTakesNoWritesOfIsLeftOutAndNothingSentPointsAtIt() {
        org.hl7.fhir.r4.model.Medication product = new org.hl7.fhir.r4.model.Medication();
        product.addIdentifier().setSystem(SID).setValue("procedure/P-1/fibrin-product");
        product.getBatch().setLotNumber("FS-1");
        add(product, Bundle.HTTPVerb.POST, "Medication");
        String productUrl = mapped.getEntry().get(3).getFullUrl();
        DocumentReference note = new DocumentReference();
        note.addIdentifier().setSystem(SID).setValue("procedure/P-1/note");
        note.setSubject(((Observation) mapped.getEntry().get(1).getResource())
                .getSubject()
                .copy());
        note.getContext().addRelated(new Reference(productUrl).setDisplay("fibrin sealant, lot FS-1"));
        add(note, Bundle.HTTPVerb.POST, "DocumentReference");
        // As the outbox hands it over: parsed from its stored JSON, references linked to their targets.
        Bundle stored = FHIR.newJsonParser()
                .parseResource(Bundle.class, FHIR.newJsonParser().encodeResourceToString(mapped));

        WritePlan plan = WritePlan.of(
                stored, PATIENT, "p1", Map.of(), ehrTaking(false, "Condition", "Observation", "DocumentReference"));

        assertThat(plan.toSend().getEntry())
                .noneMatch(e -> e.getResource().fhirType().equals("Medication"));
        assertThat(FHIR.newJsonParser().encodeResourceToString(plan.toSend()))
                .doesNotContain(productUrl)
                .contains("fibrin sealant, lot FS-1");
        assertThat(plan.unwritable()).isEmpty();
    }

    @Test
    void whereTheEhrTakesNoProvenanceTheBridgeKeepsItAndNoNoteChangesWithTheSend() {
        Provenance provenance = new Provenance();
        provenance.addTarget(new Reference(DocumentBundles.CONDITION_URN));
        provenance
                .addEntity()
                .setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .getWhat()
                .setDisplay("recovery-plan RP-TEST-1 version 2, sha256:" + "ab".repeat(32))
                .getIdentifier()
                .setValue("recovery-plan/RP-TEST-1/v2");
        add(provenance, Bundle.HTTPVerb.PUT, "Provenance/bridge-t1");
        WritePlan without = planAt(profile("oracle-health", ALL_WRITES));
        mapped.getEntry().remove(mapped.getEntry().size() - 1);
        WritePlan withoutProvenance = planAt(profile("oracle-health", ALL_WRITES));

        assertThat(without.provenanceKept()).isTrue();
        assertThat(without.provenanceAfter()).isPresent();
        assertThat(without.toString()).endsWith("; Provenance kept by the bridge");
        assertThat(FHIR.newJsonParser().encodeResourceToString(note(without)))
                .as("the same note whichever send, whichever version, carries it: an EHR without updates holds none")
                .isEqualTo(FHIR.newJsonParser().encodeResourceToString(note(withoutProvenance)));
    }

    @Test
    void theRulesAreTheStatementIntersectedWithTheProfile() {
        EhrRules epic = profile("epic", ALL_WRITES);
        EhrRules hapiOnALimitedStatement =
                new EhrRules(statementTaking(false, "Condition", "DocumentReference"), EhrProfile.named("hapi"));

        assertThat(epic.canCreate("Condition")).isTrue();
        assertThat(epic.canUpdate("Condition")).as("profile: no update").isFalse();
        assertThat(epic.canCreate("Procedure")).as("profile: no create").isFalse();
        assertThat(epic.transaction()).isFalse();
        assertThat(hapiOnALimitedStatement.canCreate("Procedure"))
                .as("the statement does not list it")
                .isFalse();
        assertThat(hapiOnALimitedStatement.transaction()).isFalse();
        assertThat(hapiOnALimitedStatement.goesAsNote("Procedure")).isTrue();
    }

    @Test
    void thePrintedEhrPlanNamesEveryTypeAndWhatBecomesOfIt() {
        assertThat(profile("epic", ALL_WRITES).describe())
                .startsWith("EHR plan (profile epic): Condition -> create, no update, no identifier search,"
                        + " categories problem-list-item (others as a note), sent as verificationStatus provisional;"
                        + " Observation -> create, no update,"
                        + " no identifier search, needs an encounter; Procedure -> procedure note;")
                .contains("; CarePlan -> progress note; Goal -> progress note; ServiceRequest -> progress note;")
                .contains("; DocumentReference -> create, no update, no identifier search, needs an encounter,"
                        + " notes preliminary;")
                .contains("; Provenance -> kept in the bridge's store and audit trail")
                .endsWith("; transaction: no");
        assertThat(profile("oracle-health", ALL_WRITES).describe())
                .contains("Condition -> create, update by id with If-Match,")
                .contains("Procedure -> create, no update");
        assertThat(ehrTaking(true, ALL_WRITES).describe())
                .startsWith("EHR plan (profile generic): Condition -> create, update by id with If-Match, no identifier"
                        + " search; ")
                .endsWith("; transaction: yes");
    }

    private static DocumentReference note(WritePlan plan) {
        return plan.toSend().getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(DocumentReference.class::isInstance)
                .map(DocumentReference.class::cast)
                .findFirst()
                .orElseThrow();
    }

    /** A shipped profile over a statement that lists these types' create and update, without transactions. */
    private static EhrRules profile(String name, String... writable) {
        return new EhrRules(statementTaking(false, writable), EhrProfile.named(name));
    }

    private static EhrProfile epicWithoutEncounters() {
        EhrProfile epic = EhrProfile.named("epic");
        return new EhrProfile("epic", epic.title(), false, false, Map.of(), epic.notes(), epic.sources(), List.of());
    }

    private static EhrProfile vitalsNeedEncounter() {
        EhrProfile epic = EhrProfile.named("epic");
        return new EhrProfile(
                "vitals",
                "vitals need an encounter",
                false,
                false,
                Map.of("Observation", new EhrProfile.TypeRules(null, null, null, null, null, true, List.of(), null)),
                new EhrProfile.Notes(List.of(), EhrProfile.NoteStatus.FINAL),
                epic.sources(),
                List.of());
    }

    private WritePlan planAt(EhrRules capabilities) {
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

    /** A generic EHR (its CapabilityStatement decides) taking creates and updates of these types. */
    static EhrRules ehrTaking(boolean transaction, String... writable) {
        return new EhrRules(statementTaking(transaction, writable), EhrProfile.named("generic"));
    }

    static EhrCapabilities.Snapshot statementTaking(boolean transaction, String... writable) {
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
