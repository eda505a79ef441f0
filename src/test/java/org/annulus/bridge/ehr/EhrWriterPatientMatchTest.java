package org.annulus.bridge.ehr;

import static org.annulus.bridge.ehr.DocumentBundles.PATIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nothing is written unless exactly one EHR patient carries the MRN and agrees on paper. */
class EhrWriterPatientMatchTest extends EhrWriterFixture {

    @BeforeEach
    void transactionsSucceed() {
        fake.transactionAnswers(fake.fhirJson(200, FakeEhr.transactionResponse(bundle)));
    }

    @Test
    void noPatientWithTheMrnIsNoMatch() {
        fake.patientsWithMrn(PATIENT);

        assertThat(write()).isInstanceOfSatisfying(EhrWriteResult.NoPatientMatch.class, none -> {
            assertThat(none.reason()).isEqualTo("no EHR patient has this MRN");
            assertThat(none.candidates()).isEmpty();
        });
        wm.verify(0, FakeEhr.transactionsSent());
    }

    @Test
    void twoPatientsWithTheMrnAreNoMatchWithBothListed() {
        fake.patientsWithMrn(PATIENT, PATIENT.family(), PATIENT.family());

        assertThat(write()).isInstanceOfSatisfying(EhrWriteResult.NoPatientMatch.class, none -> {
            assertThat(none.reason()).isEqualTo("2 EHR patients have this MRN");
            assertThat(none.candidates()).containsExactly("p1", "p2");
        });
        wm.verify(0, FakeEhr.transactionsSent());
    }

    @Test
    void thePatientWithTheMrnButAnotherFamilyNameIsNoMatch() {
        fake.patientsWithMrn(PATIENT, "Otherfamily");

        assertThat(write()).isInstanceOfSatisfying(EhrWriteResult.NoPatientMatch.class, none -> {
            assertThat(none.reason()).contains("different family name");
            assertThat(none.candidates()).containsExactly("p1");
        });
        wm.verify(0, FakeEhr.transactionsSent());
    }

    @Test
    void thePatientWithTheMrnButAnotherBirthDateIsNoMatch() {
        Patient older = patient("p1", PATIENT.family(), LocalDate.of(1950, 5, 5));
        fake.patientSearchAnswers(PATIENT, fake.fhirJson(200, searchset(older)));

        assertThat(write())
                .isInstanceOfSatisfying(EhrWriteResult.NoPatientMatch.class, none -> assertThat(none.reason())
                        .contains("birth date"));
        wm.verify(0, FakeEhr.transactionsSent());
    }

    @Test
    void anOperationOutcomeBesideTheOneMatchDoesNotHideIt() {
        // FHIR R4 §3.1.1.4.6: a searchset may carry an OperationOutcome entry (search.mode = outcome),
        // as some EHRs do to warn about the search; it is not a patient.
        Bundle found = searchset(patient("p1", PATIENT.family(), PATIENT.birthDate()));
        OperationOutcome warning = FakeEhr.outcome(OperationOutcome.IssueType.INFORMATIONAL, "search was partial");
        warning.getIssueFirstRep().setSeverity(OperationOutcome.IssueSeverity.WARNING);
        found.getEntry().add(0, new Bundle.BundleEntryComponent().setResource(warning));
        found.getEntry().get(0).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        fake.patientSearchAnswers(PATIENT, fake.fhirJson(200, found));

        assertThat(write())
                .isInstanceOfSatisfying(EhrWriteResult.Written.class, written -> assertThat(written.patientId())
                        .isEqualTo("p1"));
    }

    @Test
    void aVisitNumberBecomesALiteralReferenceToTheEhrsEncounter() {
        fake.patientsWithMrn(PATIENT, PATIENT.family());
        org.hl7.fhir.r4.model.Encounter visit = new org.hl7.fhir.r4.model.Encounter();
        visit.setId("enc-9");
        Bundle found = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(1);
        found.addEntry().setResource(visit).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(FakeEhr.FHIR + "/Encounter"))
                .withQueryParam("identifier", com.github.tomakehurst.wiremock.client.WireMock.equalTo(VISITS + "|V-77"))
                .withQueryParam("patient", com.github.tomakehurst.wiremock.client.WireMock.equalTo("p1"))
                .willReturn(fake.fhirJson(200, found)));
        withVisit("V-77");

        assertThat(write()).isInstanceOf(EhrWriteResult.Written.class);
        assertThat(sentTransaction()).contains("\"reference\":\"Encounter/enc-9\"");
    }

    @Test
    void aVisitTheEhrDoesNotKnowStaysALogicalReference() {
        fake.patientsWithMrn(PATIENT, PATIENT.family());
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(FakeEhr.FHIR + "/Encounter"))
                .willReturn(fake.fhirJson(
                        404, FakeEhr.outcome(OperationOutcome.IssueType.NOTSUPPORTED, "Encounter is not supported"))));
        withVisit("V-78");

        assertThat(write()).isInstanceOf(EhrWriteResult.Written.class);
        assertThat(sentTransaction()).doesNotContain("Encounter/").contains("\"value\":\"V-78\"");
    }

    static final String VISITS = "urn:oid:2.16.840.1.113883.19.5.99999.2";

    /** What the mapping writes for a document with a visit when hospital IT configured the visit system. */
    private void withVisit(String number) {
        bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(org.hl7.fhir.r4.model.Observation.class::isInstance)
                .map(org.hl7.fhir.r4.model.Observation.class::cast)
                .forEach(o -> o.setEncounter(new org.hl7.fhir.r4.model.Reference()
                        .setType("Encounter")
                        .setIdentifier(new org.hl7.fhir.r4.model.Identifier()
                                .setSystem(VISITS)
                                .setValue(number))));
    }

    private String sentTransaction() {
        return wm.findAll(FakeEhr.transactionsSent()).get(0).getBodyAsString().replace(" ", "");
    }

    private static Patient patient(String id, String family, LocalDate birthDate) {
        Patient patient = new Patient();
        patient.setId(id);
        patient.addIdentifier().setSystem(PATIENT.mrnSystem()).setValue(PATIENT.mrn());
        patient.addName().setFamily(family);
        patient.setBirthDate(java.sql.Date.valueOf(birthDate));
        return patient;
    }

    private static Bundle searchset(Patient... patients) {
        Bundle found = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(patients.length);
        for (Patient p : patients) {
            found.addEntry().setResource(p).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return found;
    }
}
