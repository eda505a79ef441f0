package org.annulus.bridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentStreamTest {

    @Test
    void eachPatientsDocumentsComeInClinicalOrderWithSomeAmendedAndSomeBad() {
        Cohort cohort = Cohort.of("8", 200, 15);
        List<DocumentStream.Document> all = documents(cohort, 1000, 15);

        assertThat(all).hasSize(1000);
        Map<String, List<String>> kindsByPatient = new HashMap<>();
        int amended = 0;
        int bad = 0;
        for (DocumentStream.Document doc : all) {
            if (doc.bad()) {
                bad++;
                assertThat(doc.json().has("patient")).isFalse();
                continue;
            }
            if (doc.json().path("version").asInt() == 2) {
                amended++;
            }
            kindsByPatient
                    .computeIfAbsent(doc.json().at("/patient/mrn").asText(), k -> new ArrayList<>())
                    .add(doc.json().path("documentId").asText().substring(0, 2));
        }
        assertThat(amended).isBetween(25, 80);
        assertThat(bad).isBetween(8, 35);
        kindsByPatient.values().forEach(kinds -> {
            List<String> firstOfEach = kinds.stream().distinct().toList();
            assertThat(firstOfEach).startsWith("CA");
            if (firstOfEach.contains("RM")) {
                assertThat(firstOfEach.indexOf("PN")).isLessThan(firstOfEach.indexOf("RM"));
            }
        });
    }

    @Test
    void theSameSeedMakesTheSameDocuments() {
        Cohort cohort = Cohort.of("8", 20, 7);
        assertThat(documents(cohort, 100, 7).toString())
                .isEqualTo(documents(Cohort.of("8", 20, 7), 100, 7).toString());
    }

    @Test
    void aLocationNamesTypeAndServerId() {
        assertThat(Replay.typeAndId("Condition/13/_history/1")).contains("Condition/13");
        assertThat(Replay.typeAndId("http://127.0.0.1:4/fhir/Provenance/bridge-1a/_history/2"))
                .contains("Provenance/bridge-1a");
    }

    private static List<DocumentStream.Document> documents(Cohort cohort, int total, long seed) {
        List<DocumentStream.Document> all = new ArrayList<>();
        for (int lane = 0; lane < 4; lane++) {
            new DocumentStream(cohort, lane, 4, DocumentStream.quota(total, lane, 4), seed).forEachRemaining(all::add);
        }
        return all;
    }
}
