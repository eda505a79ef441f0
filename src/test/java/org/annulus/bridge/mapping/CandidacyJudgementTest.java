package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.DocumentReader;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/**
 * The clinician's judgement is recorded as stated and never replaced: criteria only when the
 * document gives them, contradictions as warnings, attribution as the document (or, for v1, the
 * decision) says.
 */
class CandidacyJudgementTest {

    final ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
    final DocumentReader reader = new DocumentReader();

    ObjectNode golden(String name) throws IOException {
        return (ObjectNode) GoldenMappingTest.JSON.readTree(
                GoldenMappingTest.GOLDEN.resolve(name + ".input.json").toFile());
    }

    CandidacyAssessment read(ObjectNode json) {
        return (CandidacyAssessment) reader.read(json);
    }

    static <T extends Resource> Optional<T> find(Bundle bundle, Class<T> type, String identifierPart) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance)
                .map(type::cast)
                .filter(r -> identifier(r).endsWith("/" + identifierPart))
                .findFirst();
    }

    private static String identifier(Resource r) {
        return new ClinicalMapper(Fixtures.recoveryProtocol())
                .businessIdentifier(r)
                .orElse("");
    }

    static List<String> criteria(Observation determination) {
        return determination.getComponent().stream()
                .filter(c -> c.getCode().getCodingFirstRep().getSystem().endsWith("candidacy-criterion"))
                .map(c -> c.getCode().getCodingFirstRep().getCode())
                .toList();
    }

    @Test
    void aV1DocumentRecordsOnlyTheExclusionsItStatesAndNoComputedCriterion() throws IOException {
        Bundle bundle = mapper.map(read(golden("candidacy-unilateral-left")));

        Observation determination = find(bundle, Observation.class, CandidacyDecisionMapper.DETERMINATION)
                .orElseThrow();

        assertThat(criteria(determination))
                .containsExactly("stenosis-with-progressive-deficit", "facet-joint-pain", "sacroiliac-joint-pain");
        assertThat(determination.getText().getDivAsString()).contains("not stated one by one");
        assertThat(determination.getValueCodeableConcept().getCodingFirstRep().getCode())
                .isEqualTo("candidate");
    }

    @Test
    void statedCriteriaAreRecordedAsStatedEvenWhenTheyContradictTheDecision() throws IOException {
        ObjectNode json = golden("candidacy-v1-1-exam-findings");
        ((ObjectNode) json.get("determination").get("criteria")).put("discHeightPreserved", false);
        CandidacyAssessment doc = read(json);

        Observation determination = find(mapper.map(doc), Observation.class, CandidacyDecisionMapper.DETERMINATION)
                .orElseThrow();

        assertThat(determination.getValueCodeableConcept().getCodingFirstRep().getCode())
                .isEqualTo("candidate");
        assertThat(determination.getComponent())
                .filteredOn(c -> c.getCode().getCodingFirstRep().getCode().equals("disc-height-preserved"))
                .singleElement()
                .satisfies(
                        c -> assertThat(c.getValueBooleanType().booleanValue()).isFalse());
        assertThat(mapper.warnings(doc))
                .containsExactly("decision is candidate while criterion disc-height-preserved is false");
    }

    @Test
    void aTearLevelThatFitsNoDermatomeIsAWarningNotAChange() throws IOException {
        ObjectNode json = golden("candidacy-unilateral-left");
        ((ObjectNode) json.get("legPain")).putArray("dermatomes").add("S1");
        ((ObjectNode) json.get("imaging").get(0).get("findings").get(0)).put("level", "L3-L4");
        ((ObjectNode) json.get("determination")).putArray("targetLevels").add("L3-L4");

        CandidacyAssessment doc = read(json);

        assertThat(mapper.warnings(doc))
                .containsExactly("no torn or target level (L3-L4) matches the leg-pain dermatomes (S1)");
        assertThat(find(mapper.map(doc), Condition.class, CandidacyMapper.SCIATICA)
                        .orElseThrow()
                        .getCode()
                        .getCoding())
                .extracting(c -> c.getCode())
                .contains("M51.16");
    }

    @Test
    void consistentAssessmentsGiveNoWarnings() throws IOException {
        for (String name : List.of(
                "candidacy-unilateral-left",
                "candidacy-two-levels",
                "candidacy-v1-1-exam-findings",
                "candidacy-v1-1-tear-zones",
                "candidacy-not-candidate-facet")) {
            assertThat(mapper.warnings(read(golden(name)))).as(name).isEmpty();
        }
    }

    @Test
    void aContraindicationWithACandidateDecisionIsWarned() throws IOException {
        ObjectNode json = golden("candidacy-v1-1-exam-findings");
        ((ObjectNode) json.get("contraindications")).put("fibrinSealantAllergy", true);

        assertThat(mapper.warnings(read(json)))
                .containsExactly(
                        "decision is candidate while criterion contraindication-fibrin-sealant-allergy is true");
    }

    @Test
    void v1AttributionIsDerivedFromTheDecisionAndSaysSo() throws IOException {
        Condition diagnosis = find(
                        mapper.map(read(golden("candidacy-unilateral-left"))),
                        Condition.class,
                        CandidacyMapper.SCIATICA)
                .orElseThrow();

        assertThat(diagnosis.getNoteFirstRep().getText()).contains("derived from the decision 'candidate'");
        assertThat(diagnosis.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/condition-dueTo"))
                .isNotNull();
    }

    @Test
    void aThoracolumbarDiscGivesM5115() throws IOException {
        ObjectNode json = golden("candidacy-unilateral-left");
        ((ObjectNode) json.get("legPain")).putArray("dermatomes").add("L1");
        ((ObjectNode) json.get("imaging").get(0).get("findings").get(0)).put("level", "T12-L1");
        ((ObjectNode) json.get("determination")).putArray("targetLevels").add("T12-L1");

        Bundle bundle = mapper.map(read(json));

        assertThat(find(bundle, Condition.class, CandidacyMapper.SCIATICA)
                        .orElseThrow()
                        .getCode()
                        .getCoding())
                .extracting(c -> c.getCode())
                .containsExactly("23056005", "M51.15");
        assertThat(find(bundle, Condition.class, CandidacyMapper.tearPart(org.annulus.bridge.document.DiscLevel.T12_L1))
                        .orElseThrow()
                        .getCode()
                        .getCoding())
                .extracting(c -> c.getSystem())
                .containsOnly("http://snomed.info/sct");
    }

    @Test
    void referredAndAxialPainAreNotRecordedAsSciatica() throws IOException {
        for (String name : List.of(
                "candidacy-v1-1-non-dermatomal-facet",
                "candidacy-v1-1-axial-pain-only",
                "candidacy-not-candidate-facet")) {
            assertThat(find(mapper.map(read(golden(name))), Condition.class, CandidacyMapper.SCIATICA))
                    .as(name)
                    .isEmpty();
        }
        assertThat(find(
                        mapper.map(read(golden("candidacy-v1-1-axial-pain-only"))),
                        Observation.class,
                        Observations.LEG_PAIN))
                .isEmpty();
    }

    @Test
    void odiIsAFunctionalStatusScore() throws IOException {
        Observation odi = find(
                        mapper.map(read(golden("candidacy-unilateral-left"))), Observation.class, Observations.ODI)
                .orElseThrow();

        assertThat(odi.getCategory())
                .flatExtracting(c -> c.getCoding())
                .extracting(c -> c.getCode())
                .contains("survey", "functional-status");
        assertThat(odi.getValueQuantity().getCode()).isEqualTo("{score}");
    }

    @Test
    void surgicalReferralIsAPlanWithReasonsAndSupportingInformation() throws IOException {
        ServiceRequest referral = find(
                        mapper.map(read(golden("candidacy-refer-surgical"))),
                        ServiceRequest.class,
                        CandidacyDecisionMapper.REFERRAL)
                .orElseThrow();

        assertThat(referral.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.PLAN);
        assertThat(referral.getReasonReference()).isNotEmpty();
        assertThat(referral.getSupportingInfo()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(referral.getOccurrencePeriod().getStartElement().getValueAsString())
                .isEqualTo("2026-03-02T10:15:00-05:00");
        assertThat(referral.getText().getDivAsString()).contains("L3-L4, L4-L5", "neurogenic claudication");
    }
}
