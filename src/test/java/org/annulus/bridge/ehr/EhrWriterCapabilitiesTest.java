package org.annulus.bridge.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.annulus.bridge.ehr.DocumentBundles.CAREPLAN_ID;
import static org.annulus.bridge.ehr.DocumentBundles.CONDITION_ID;
import static org.annulus.bridge.ehr.DocumentBundles.OBSERVATION_ID;
import static org.annulus.bridge.ehr.DocumentBundles.PATIENT;
import static org.annulus.bridge.ehr.DocumentBundles.SID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.DocumentReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The EHR's CapabilityStatement decides how a document is written: one transaction, or single
 * conditional requests in reference order; and types it takes no creates of go in as notes.
 */
class EhrWriterCapabilitiesTest extends EhrWriterFixture {

    static final Set<String> ALL = Set.of("Condition", "Observation", "CarePlan", "DocumentReference");
    static final Set<String> NO_CAREPLAN = Set.of("Condition", "Observation", "DocumentReference");

    @BeforeEach
    void thePatient() {
        fake.patientsWithMrn(PATIENT, PATIENT.family());
    }

    @Test
    void withoutTransactionsEachEntryIsAPlainCreateInReferenceOrder() {
        fake.capabilities(false, ALL);
        wm.stubFor(post(FakeEhr.FHIR + "/Observation").willReturn(created("Observation/obs-1/_history/1")));
        wm.stubFor(post(FakeEhr.FHIR + "/Condition")
                .willReturn(created("Condition/cond-7/_history/3").withStatus(200)));
        wm.stubFor(post(FakeEhr.FHIR + "/CarePlan").willReturn(created("CarePlan/cp-4/_history/2")));

        EhrWriteResult result = write();

        List<LoggedRequest> sent = fake.writes();
        assertThat(sent)
                .extracting(r -> r.getMethod().getName() + " " + r.getUrl().replaceAll("\\?.*", ""))
                .containsExactly("POST /fhir/Observation", "POST /fhir/Condition", "POST /fhir/CarePlan");
        assertThat(sent)
                .as("the write ledger, not a conditional create, keeps a resend from duplicating")
                .noneSatisfy(r -> assertThat(r.containsHeader("If-None-Exist")).isTrue());
        assertThat(sent.get(1).getBodyAsString())
                .as("the Condition cites the Observation by its server id")
                .contains("\"reference\":\"Observation/obs-1\"");
        assertThat(sent.get(2).getBodyAsString())
                .as("the CarePlan addresses the Condition by its server id")
                .contains("\"reference\":\"Condition/cond-7\"");
        assertThat(sent).allSatisfy(r -> assertThat(r.getBodyAsString())
                .contains("\"reference\":\"Patient/p1\"")
                .doesNotContain("urn:uuid"));
        wm.verify(0, FakeEhr.transactionsSent());
        assertThat(result).isInstanceOfSatisfying(EhrWriteResult.Written.class, written -> assertThat(written.entries())
                .extracting(
                        EhrWriteResult.WrittenEntry::resourceType,
                        EhrWriteResult.WrittenEntry::id,
                        EhrWriteResult.WrittenEntry::version,
                        EhrWriteResult.WrittenEntry::businessIdentifier)
                .containsExactly(
                        tuple("Condition", "cond-7", "3", SID + "|" + CONDITION_ID),
                        tuple("Observation", "obs-1", "1", SID + "|" + OBSERVATION_ID),
                        tuple("CarePlan", "cp-4", "2", SID + "|" + CAREPLAN_ID)));
    }

    @Test
    void aWriteAnsweredWithoutLocationIsIdentifiedByTheResourceItReturns() {
        // FHIR R4: Location only SHOULD come with 201; a 200 carries ETag and, by default, the resource.
        fake.capabilities(false, ALL);
        wm.stubFor(post(FakeEhr.FHIR + "/Observation").willReturn(created("Observation/obs-1/_history/1")));
        wm.stubFor(post(FakeEhr.FHIR + "/Condition").willReturn(created("Condition/cond-7/_history/3")));
        CarePlan stored = new CarePlan();
        stored.setId("cp-4");
        stored.getMeta().setVersionId("2");
        wm.stubFor(post(urlPathEqualTo(FakeEhr.FHIR + "/CarePlan"))
                .willReturn(fake.fhirJson(200, stored).withHeader("ETag", "W/\"2\"")));

        EhrWriteResult result = write();

        assertThat(result).isInstanceOfSatisfying(EhrWriteResult.Written.class, written -> assertThat(written.entries())
                .filteredOn(e -> e.resourceType().equals("CarePlan"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.id()).isEqualTo("cp-4");
                    assertThat(e.version()).isEqualTo("2");
                }));
    }

    @Test
    void aSingleRequestAnsweredWithoutAnyIdIsARetryableUnusableResponse() {
        fake.capabilities(false, ALL);
        wm.stubFor(post(FakeEhr.FHIR + "/Observation").willReturn(aResponse().withStatus(201)));

        EhrWriteResult result = write();

        assertThat(result).isInstanceOfSatisfying(EhrWriteResult.Failed.class, failed -> {
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.reason()).contains("unusable");
        });
        assertThat(fake.writes())
                .as("nothing is sent on top of an entry whose id is unknown")
                .hasSize(1);
    }

    @Test
    void aCarePlanTheEhrTakesNoCreatesOfGoesInAsANoteInTheTransaction() {
        fake.capabilities(true, NO_CAREPLAN);
        fake.transactionAnswers(fake.fhirJson(200, FakeEhr.transactionResponse(bundle)));

        EhrWriteResult result = write();

        Bundle sent = ehr.fhir()
                .newJsonParser()
                .parseResource(Bundle.class, fake.writes().get(0).getBodyAsString());
        assertThat(sent.getEntry())
                .extracting(e -> e.getResource().fhirType())
                .containsExactly("Condition", "Observation", "DocumentReference");
        Bundle.BundleEntryComponent note = sent.getEntry().get(2);
        assertThat(note.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(note.getRequest().getUrl()).isEqualTo("DocumentReference");
        assertThat(((DocumentReference) note.getResource())
                        .getIdentifierFirstRep()
                        .getValue())
                .isEqualTo(CAREPLAN_ID + "/as-note");
        DocumentReference doc = (DocumentReference) note.getResource();
        assertThat(doc.getSubject().getReference()).isEqualTo("Patient/p1");
        assertThat(new String(doc.getContentFirstRep().getAttachment().getData()))
                .contains("Walk 20 minutes daily");
        assertThat(result).isInstanceOfSatisfying(EhrWriteResult.Written.class, written -> {
            assertThat(written.fallbacks()).containsExactly("CarePlan");
            assertThat(written.entries().get(2).resourceType()).isEqualTo("DocumentReference");
            assertThat(written.entries().get(2).businessIdentifier()).isEqualTo(SID + "|" + CAREPLAN_ID + "/as-note");
        });
    }

    @Test
    void withoutTransactionsTheNoteIsACreateOfItsOwn() {
        fake.capabilities(false, NO_CAREPLAN);
        wm.stubFor(post(FakeEhr.FHIR + "/Observation").willReturn(created("Observation/obs-1/_history/1")));
        wm.stubFor(post(FakeEhr.FHIR + "/Condition").willReturn(created("Condition/cond-7/_history/1")));
        wm.stubFor(post(urlPathEqualTo(FakeEhr.FHIR + "/DocumentReference"))
                .willReturn(created("DocumentReference/note-2/_history/1")));

        EhrWriteResult result = write();

        assertThat(fake.writes())
                .extracting(r -> r.getMethod().getName() + " " + r.getUrl().replaceAll("\\?.*", ""))
                .containsExactly("POST /fhir/Observation", "POST /fhir/Condition", "POST /fhir/DocumentReference");
        wm.verify(0, putRequestedFor(urlPathEqualTo(FakeEhr.FHIR + "/CarePlan")));
        assertThat(result).isInstanceOfSatisfying(EhrWriteResult.Written.class, written -> {
            assertThat(written.fallbacks()).containsExactly("CarePlan");
            assertThat(written.entries())
                    .extracting(EhrWriteResult.WrittenEntry::id)
                    .containsExactly("cond-7", "obs-1", "note-2");
        });
    }

    private ResponseDefinitionBuilder created(String location) {
        return aResponse().withStatus(201).withHeader("Location", fake.baseUrl() + "/" + location);
    }

    /**
     * Epic files Observations and notes only under an encounter: of a document with none, only the
     * Condition can be written, the rest is held for a person to file by hand. Once an operator marked it
     * handled (the ledger records it as filed by hand, with the hash of what the bridge would have written),
     * a resend holds and writes nothing; a later change of such a resource is held again.
     */
    @Test
    void whatAnOperatorFiledByHandIsNotHeldAgainOnAResendButAChangeOfItIs() {
        ehr.close();
        ehr = EhrUnderTest.against(wm.baseUrl() + FakeEhr.FHIR, keys, java.time.Duration.ofSeconds(5), "epic");
        fake.capabilities(false, ALL);
        wm.stubFor(post(FakeEhr.FHIR + "/Condition").willReturn(created("Condition/cond-7/_history/1")));

        List<EhrWriteResult.Held> held = ((EhrWriteResult.Written) write()).held();
        assertThat(held)
                .extracting(EhrWriteResult.Held::resourceType)
                .containsExactlyInAnyOrder("Observation", "CarePlan");
        assertThat(held).allSatisfy(h -> {
            assertThat(h.serverId()).isNull();
            assertThat(h.contentSha256()).hasSize(64);
        });
        held.forEach(h -> ehr.ledger()
                .recordFiledByHand(h.ehr(), h.businessIdentifier(), h.resourceType(), h.contentSha256(), "tracking-1"));
        int writes = fake.writes().size();

        EhrWriteResult.Written resent = (EhrWriteResult.Written) write();

        assertThat(resent.held()).as("filed by hand: not held again").isEmpty();
        assertThat(fake.writes()).as("nothing sent again").hasSize(writes);

        ((org.hl7.fhir.r4.model.Observation) bundle.getEntry().get(1).getResource())
                .getCode()
                .setText("Pain score (amended)");
        assertThat(((EhrWriteResult.Written) write()).held())
                .as("what changed since it was filed by hand is for a person again")
                .extracting(EhrWriteResult.Held::resourceType)
                .containsExactly("Observation");
    }
}
