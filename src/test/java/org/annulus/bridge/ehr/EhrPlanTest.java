package org.annulus.bridge.ehr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The plan the bridge will follow at this EHR, printed once at start-up (one INFO line, no patient
 * data) and shown by health without calling the EHR.
 */
@ExtendWith(OutputCaptureExtension.class)
class EhrPlanTest extends EhrWriterFixture {

    @Test
    void startUpLogsThePlanOnceAndHealthShowsItWithoutAskingTheEhr(CapturedOutput output) {
        fake.capabilities(false, Set.of("Condition", "Observation", "DocumentReference"));
        fake.patientsWithMrn(DocumentBundles.PATIENT, DocumentBundles.PATIENT.family());

        assertThat(ehr.plan().current().plan()).as("not read yet").isEmpty();
        ehr.plan().logAtStartUp();
        write(); // reads no statement again, and logs no second plan

        String expected = "EHR plan (profile generic): Condition -> create, update by id with If-Match; Observation"
                + " -> create, update by id with If-Match; Procedure -> procedure note; MedicationAdministration ->"
                + " progress note; Medication -> not written";
        assertThat(output.getOut())
                .contains(expected)
                .contains("CarePlan -> progress note")
                .contains("transaction: no");
        assertThat(Pattern.compile("EHR plan \\(profile")
                        .matcher(output.getOut())
                        .results())
                .hasSize(1);
        String line = output.getOut()
                .lines()
                .filter(l -> l.contains("EHR plan ("))
                .findFirst()
                .orElseThrow();
        assertThat(line)
                .contains(" INFO ")
                .doesNotContain(DocumentBundles.PATIENT.mrn())
                .doesNotContain(DocumentBundles.PATIENT.family())
                .doesNotContain("Patient/");
        EhrPlan.Summary summary = ehr.plan().current();
        assertThat(summary.profile()).isEqualTo("generic");
        assertThat(summary.plan()).hasValueSatisfying(plan -> assertThat(plan).startsWith(expected));
        wm.verify(
                1,
                com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(FakeEhr.FHIR + "/metadata")));
    }

    @Test
    void anEhrThatCannotBeAskedYetIsAWarningThatSaysSo(CapturedOutput output) {
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(FakeEhr.FHIR + "/metadata")
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                        .withStatus(503)));

        ehr.plan().logAtStartUp();

        assertThat(output.getOut())
                .contains("EHR plan (profile generic): not known yet, GET /metadata answered HTTP 503");
        assertThat(ehr.plan().current().plan()).isEmpty();
    }
}
