package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

/** What send time adds to a mapped bundle, from documents and bundles only (no store, no EHR). */
class SendTimeCompositionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant SENT = Instant.parse("2026-06-01T12:00:00Z");
    final ClinicalMapper mapper = new ClinicalMapper(org.annulus.bridge.Fixtures.recoveryProtocol());
    final SendTimeComposition composition = new SendTimeComposition(mapper);
    final DocumentReader reader = new DocumentReader();

    @Test
    void aV1FollowUpIsSentWithItsBaselinesLegPainSideAndAllOfItPassesTheGateAgain() throws IOException {
        ThreeMilestones golden = ThreeMilestones.read();
        ProcedureNote note = golden.note();
        CandidacyAssessment baseline = golden.baseline();
        List<RecoveryMilestone> milestones = golden.milestones();
        RecoveryMilestone followUp = milestones.get(0);
        Bundle mapped = mapper.map(followUp);
        String mappedBefore = encode(mapped);

        SendTimeComposition.Composed composed = composition.compose(
                followUp,
                mapped,
                new SendTimeComposition.History(List.of(), List.of(note), List.of(baseline), milestones),
                "t-1",
                "0".repeat(64),
                SENT);

        Bundle sided =
                mapper.map(followUp.withLegPainSide(baseline.leg().orElseThrow().side()));
        assertThat(encode(sided)).isNotEqualTo(mappedBefore);
        assertThat(composed.bundle().getEntry().subList(0, sided.getEntry().size()))
                .extracting(e -> encode(e.getResource()))
                .containsExactlyElementsOf(sided.getEntry().stream()
                        .map(e -> encode(e.getResource()))
                        .toList());
        assertThat(composed.additions())
                .extracting(Bundle.BundleEntryComponent::getFullUrl)
                .containsAll(sided.getEntry().stream()
                        .map(Bundle.BundleEntryComponent::getFullUrl)
                        .toList());
        assertThat(composed.additions()).anyMatch(e -> e.getResource() instanceof CarePlan);
        Provenance provenance = (Provenance) composed.bundle()
                .getEntry()
                .get(composed.bundle().getEntry().size() - 1)
                .getResource();
        assertThat(provenance.getRecorded()).isEqualTo(java.util.Date.from(SENT));
        assertThat(encode(mapped)).as("the mapped bundle given is not changed").isEqualTo(mappedBefore);
    }

    @Test
    void anAmendmentRetractsWhatOnlyItsEarlierVersionWrote() throws IOException {
        ObjectNode first =
                (ObjectNode) JSON.readTree(Path.of("test-fixtures/golden/milestone-adverse-event-discitis.input.json")
                        .toFile());
        ObjectNode second = first.deepCopy();
        second.put("version", 2).put("status", "amended").putArray("adverseEvents");
        RecoveryMilestone v1 = (RecoveryMilestone) reader.read(first);
        RecoveryMilestone v2 = (RecoveryMilestone) reader.read(second);

        SendTimeComposition.Composed composed = composition.compose(
                v2,
                mapper.map(v2),
                new SendTimeComposition.History(
                        List.of(new SendTimeComposition.EarlierVersion(v1, mapper.map(v1))),
                        List.of(),
                        List.of(),
                        List.of()),
                "t-2",
                "0".repeat(64),
                SENT);

        assertThat(composed.additions())
                .filteredOn(e -> e.getResource() instanceof Condition)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(((Condition) e.getResource())
                                .getVerificationStatus()
                                .getCodingFirstRep()
                                .getCode())
                        .isEqualTo("entered-in-error"));
        assertThat(composed.additions())
                .hasSize(composed.bundle().getEntry().size()
                        - mapper.map(v2).getEntry().size());
    }

    private static String encode(org.hl7.fhir.r4.model.Resource resource) {
        return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(resource);
    }
}
