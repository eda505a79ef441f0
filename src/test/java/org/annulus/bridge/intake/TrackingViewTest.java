package org.annulus.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.OffsetDateTime;
import java.util.List;
import org.annulus.bridge.outbox.DocumentState;
import org.annulus.bridge.outbox.TrackedDocument;
import org.junit.jupiter.api.Test;

/** EHR patient ids are PHI: the submitting clinic follows its document without them; operators see them. */
class TrackingViewTest {

    static final OffsetDateTime AT = OffsetDateTime.parse("2026-03-02T10:15:00-05:00");

    /** As the application's (spring.jackson in application.yaml): ISO dates, no nulls. */
    final ObjectMapper json = new ObjectMapper()
            .findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    final TrackedDocument document = new TrackedDocument(
            "t-1",
            "candidacy-assessment",
            "CA-1",
            1,
            "final",
            "rest",
            "0".repeat(64),
            DocumentState.SYNCED,
            2,
            null,
            AT,
            AT,
            "{\"resourceType\":\"OperationOutcome\"}",
            List.of(
                    new TrackedDocument.Transition(
                            DocumentState.SENDING,
                            DocumentState.AWAITING_PATIENT_MATCH,
                            AT,
                            "2 EHR patients carry the MRN; candidates: sbx-p1, sbx-p2"),
                    new TrackedDocument.Transition(
                            DocumentState.AWAITING_PATIENT_MATCH,
                            DocumentState.MAPPED,
                            AT,
                            "operator chose EHR Patient/sbx-p2"),
                    new TrackedDocument.Transition(
                            DocumentState.SENDING,
                            DocumentState.SYNCED,
                            AT,
                            "9 resources in the EHR for Patient/sbx-p2 (transaction)")),
            List.of(),
            List.of(),
            "demo-clinic",
            null);

    @Test
    void aSubmittingClinicSeesNoEhrPatientIdAndNoOutcome() {
        TrackingView view = TrackingView.of(document, false);

        assertThat(view.outcome()).isNull();
        assertThat(view.history())
                .extracting(TrackedDocument.Transition::reason)
                .containsExactly(
                        "2 EHR patients carry the MRN; candidates: shown to operators",
                        "operator chose EHR Patient/(id shown to operators)",
                        "9 resources in the EHR for Patient/(id shown to operators) (transaction)")
                .noneMatch(r -> r.contains("sbx-p"));
    }

    @Test
    void operatorsAndAuditorsSeeTheWholeRecord() {
        TrackingView view = TrackingView.of(document, true);

        assertThat(view.outcome()).isNotNull();
        assertThat(view.history())
                .extracting(TrackedDocument.Transition::reason)
                .anyMatch(r -> r.contains("candidates: sbx-p1, sbx-p2"))
                .anyMatch(r -> r.contains("Patient/sbx-p2"));
    }

    @Test
    void aClinicSeesWhatStateItsDocumentWaitsBehindAndOperatorsAlsoWhichDocument() throws Exception {
        TrackedDocument waiting = new TrackedDocument(
                "t-2",
                "procedure-note",
                "PN-1",
                1,
                "final",
                "rest",
                "0".repeat(64),
                DocumentState.ACCEPTED,
                0,
                null,
                AT,
                AT,
                null,
                List.of(),
                List.of(),
                List.of(),
                "demo-clinic",
                new TrackedDocument.WaitingFor("t-1", DocumentState.DEAD));
        JsonNode clinic = json.readTree(json.writeValueAsString(TrackingView.of(waiting, false)));
        JsonNode operator = json.readTree(json.writeValueAsString(TrackingView.of(waiting, true)));

        assertThat(clinic.at("/waitingFor/state").asText()).isEqualTo("DEAD");
        assertThat(clinic.get("waitingFor").has("trackingId"))
                .as("the document waited behind may be another clinic's")
                .isFalse();
        assertThat(operator.at("/waitingFor/trackingId").asText()).isEqualTo("t-1");
        assertThat(operator.at("/waitingFor/state").asText()).isEqualTo("DEAD");
        assertThat(json.readTree(json.writeValueAsString(TrackingView.of(document, true)))
                        .has("waitingFor"))
                .isFalse();
    }

    @Test
    void theJsonIsTheTrackedDocumentWithoutItsSubmitter() throws Exception {
        JsonNode clinic = json.readTree(json.writeValueAsString(TrackingView.of(document, false)));
        JsonNode operator = json.readTree(json.writeValueAsString(TrackingView.of(document, true)));

        assertThat(clinic.get("trackingId").asText()).isEqualTo("t-1");
        assertThat(clinic.get("state").asText()).isEqualTo("SYNCED");
        assertThat(clinic.get("attempts").asInt()).isEqualTo(2);
        assertThat(clinic.get("history")).hasSize(3);
        assertThat(clinic.has("resources")).isTrue();
        assertThat(clinic.has("submitter")).isFalse();
        assertThat(clinic.has("outcome")).isFalse();
        assertThat(clinic.has("document")).isFalse();
        assertThat(operator.at("/outcome/resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(operator.has("submitter")).isFalse();
    }
}
