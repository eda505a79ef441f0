package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.TestPatients.TestPatient;
import org.junit.jupiter.api.Test;

class TestPatientsTest {

    @Test
    void theSandboxPatientsAreTheOnesTheSandboxEhrHolds() throws IOException {
        List<TestPatient> sandbox = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/sandbox/patients.json")) {
            for (JsonNode entry : new ObjectMapper().readTree(in).path("entry")) {
                JsonNode patient = entry.path("resource");
                List<String> given = new ArrayList<>();
                patient.at("/name/0/given").forEach(g -> given.add(g.asText()));
                sandbox.add(new TestPatient(
                        patient.at("/identifier/0/value").asText(),
                        patient.at("/name/0/family").asText(),
                        given,
                        patient.path("birthDate").asText(),
                        patient.path("gender").asText()));
                assertThat(patient.at("/identifier/0/system").asText()).isEqualTo(TestPatients.MRN_SYSTEM);
            }
        }

        assertThat(sandbox).containsAll(TestPatients.SANDBOX);
    }

    @Test
    void redactionMasksMrnsNamesAndBirthDatesButNotWordsThatContainThem() {
        String line = "matched 448812 Rivera, Ana (1979-06-14) in Analysis of 4488120";

        assertThat(TestPatients.redacted(line))
                .isEqualTo("matched [redacted] [redacted], [redacted] ([redacted]) in Analysis of 4488120");
    }
}
