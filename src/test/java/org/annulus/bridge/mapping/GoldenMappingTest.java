package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mapping read as data: each {@code test-fixtures/golden/<case>.input.json} must map to exactly
 * {@code <case>.expected.json}. With {@code -Dgolden.update=true} the expected files are rewritten
 * instead, for a reviewer to read as a diff.
 */
class GoldenMappingTest {

    static final Path GOLDEN = Path.of("test-fixtures", "golden");
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final ObjectMapper JSON = new ObjectMapper();

    final ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
    final DocumentReader reader = new DocumentReader();

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".input.json"))
                    .map(n -> n.substring(0, n.length() - ".input.json".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /**
     * A case is one document (its own resources) or, for the recovery plan, an array of documents:
     * a procedure note, its candidacy assessment (the baseline) and the milestones recorded so far.
     */
    Bundle map(String name) throws IOException {
        JsonNode input = JSON.readTree(GOLDEN.resolve(name + ".input.json").toFile());
        if (!input.isArray()) {
            return mapper.map(reader.read(input));
        }
        List<ClinicalDocument> docs = new ArrayList<>();
        input.forEach(d -> docs.add(reader.read(d)));
        Bundle plan = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        mapper.recoveryPlan(
                        docs.stream()
                                .filter(ProcedureNote.class::isInstance)
                                .map(ProcedureNote.class::cast)
                                .findFirst()
                                .orElseThrow(),
                        docs.stream()
                                .filter(CandidacyAssessment.class::isInstance)
                                .map(CandidacyAssessment.class::cast)
                                .findFirst(),
                        docs.stream()
                                .filter(RecoveryMilestone.class::isInstance)
                                .map(RecoveryMilestone.class::cast)
                                .toList())
                .forEach(plan::addEntry);
        return plan;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void documentMapsToItsGoldenBundle(String name) throws IOException {
        Bundle bundle = map(name);
        String actual = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle);
        Path expected = GOLDEN.resolve(name + ".expected.json");

        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual + "\n");
        }

        assertThat(expected)
                .as("golden file for " + name + " (run with -Dgolden.update=true to create it)")
                .exists();
        JsonNode want = JSON.readTree(expected.toFile());
        JsonNode got = JSON.readTree(actual);
        assertThat(got.toPrettyString()).as("mapping of " + name).isEqualTo(want.toPrettyString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mappingIsDeterministic(String name) throws IOException {
        String first = FHIR.newJsonParser().encodeResourceToString(map(name));
        String second = FHIR.newJsonParser().encodeResourceToString(map(name));

        assertThat(second).isEqualTo(first);
    }
}
