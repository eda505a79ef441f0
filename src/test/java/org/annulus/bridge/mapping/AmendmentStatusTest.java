package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.DocumentReader;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Issue 9, point 7: an amendment marks {@code amended} only what it changed. */
class AmendmentStatusTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
    final DocumentReader reader = new DocumentReader();

    @Test
    void correctedOdiAmendsTheOdiAndTheDeterminationOnly() throws IOException {
        // v2 re-scores the ODI (46 -> 44) and says so in the rationale; nothing else changes.
        Bundle v1 = map(golden("candidacy-unilateral-left"));
        Bundle v2 = mapper.amendmentStatuses(map(golden("candidacy-amended-v2")), List.of(v1));

        Map<String, String> statuses = statuses(v2);
        assertThat(statuses).containsEntry("observation-odi", "amended");
        // the consult note states the ODI and the rationale, so it changed with them
        assertThat(statuses).hasEntrySatisfying("documentreference-consult-note", s -> assertThat(s)
                .isEqualTo("amended"));
        assertThat(statuses.entrySet())
                .filteredOn(e -> !e.getKey().equals("observation-odi")
                        && !e.getKey().contains("determination")
                        && !e.getKey().contains("candidacy")
                        && !e.getKey().contains("note"))
                .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo("final"));
        assertThat(statuses)
                .containsEntry("observation-leg-pain", "final")
                .containsEntry("observation-back-pain", "final");
    }

    @Test
    void aLaterAmendmentKeepsWhatAnEarlierOneAmended() throws IOException {
        ObjectNode first = golden("milestone-normal-activity");
        ObjectNode second = amended(first, 2);
        second.put("legPainNrs", 4);
        ObjectNode third = amended(second, 3);
        third.put("backPainNrs", 3);

        Bundle v1 = map(first);
        Bundle v2 = mapper.amendmentStatuses(map(second), List.of(v1));
        Bundle v3 = mapper.amendmentStatuses(map(third), List.of(v1, map(second)));

        assertThat(statuses(v2))
                .containsEntry("observation-leg-pain", "amended")
                .containsEntry("observation-back-pain", "final")
                .containsEntry("observation-odi", "final")
                .containsEntry("observation-milestone", "final")
                // the note states the scores, so it changed with them
                .containsEntry(ProgressNote.PART, "amended");
        assertThat(statuses(v3))
                .containsEntry("observation-leg-pain", "amended")
                .containsEntry("observation-back-pain", "amended")
                .containsEntry("observation-odi", "final")
                .containsEntry("observation-milestone", "final");
    }

    @Test
    void withoutAnEarlierVersionAnAmendmentMarksEverything() throws IOException {
        ObjectNode second = amended(golden("milestone-normal-activity"), 2);

        Bundle v2 = mapper.amendmentStatuses(map(second), List.of());

        assertThat(statuses(v2).values()).containsOnly("amended");
    }

    @Test
    void anUnchangedProcedureNoteKeepsItsFinalNote() throws IOException {
        ObjectNode first = golden("procedure-single-level");
        ObjectNode second = amended(first, 2);
        ((ObjectNode) second.get("levels").get(0)).put("productLot", "FS-88322");

        Bundle v2 = mapper.amendmentStatuses(map(second), List.of(map(first)));

        assertThat(statuses(v2)).containsEntry(ProcedureMapper.NOTE, "final");
    }

    @Test
    void aLevelDroppedByAnAmendmentRetractsItsFibrinProductToo() throws IOException {
        Bundle v1 = map(golden("procedure-two-levels"));

        List<String> retracted = v1.getEntry().stream()
                .map(e -> mapper.retraction(e.getResource()))
                .flatMap(java.util.Optional::stream)
                .map(e -> e.getResource().fhirType() + " " + statusOf(e.getResource()))
                .toList();

        assertThat(retracted)
                .contains(
                        "Medication entered-in-error",
                        "MedicationAdministration entered-in-error",
                        "Procedure entered-in-error");
    }

    private static String statusOf(Resource r) {
        return r instanceof org.hl7.fhir.r4.model.Medication m
                ? m.getStatus().toCode()
                : r instanceof org.hl7.fhir.r4.model.MedicationAdministration a
                        ? a.getStatus().toCode()
                        : r instanceof org.hl7.fhir.r4.model.Procedure p
                                ? p.getStatus().toCode()
                                : "?";
    }

    private ObjectNode golden(String name) throws IOException {
        return (ObjectNode) JSON.readTree(
                Path.of("test-fixtures/golden", name + ".input.json").toFile());
    }

    private static ObjectNode amended(ObjectNode doc, int version) {
        ObjectNode copy = doc.deepCopy();
        copy.put("version", version).put("status", "amended");
        return copy;
    }

    private Bundle map(ObjectNode doc) {
        return mapper.map(reader.read(doc));
    }

    /** part name -> Observation.status or DocumentReference.docStatus */
    private static Map<String, String> statuses(Bundle bundle) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource r = entry.getResource();
            String id = Retraction.businessIdentifier(r).orElseThrow();
            String part = id.substring(id.lastIndexOf('/') + 1); // {kind}/{patientKey}/{documentId}/{part}
            if (r instanceof Observation o) {
                statuses.put(part, o.getStatus().toCode());
            } else if (r instanceof DocumentReference d) {
                statuses.put(part, d.getDocStatus().toCode());
            }
        }
        return statuses;
    }
}
