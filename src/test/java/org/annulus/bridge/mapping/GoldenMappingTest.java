package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.annulus.bridge.document.DocumentReader;
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

    final ClinicalMapper mapper = new ClinicalMapper();
    final DocumentReader reader = new DocumentReader();

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".input.json"))
                    .map(n -> n.substring(0, n.length() - ".input.json".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void documentMapsToItsGoldenBundle(String name) throws IOException {
        Bundle bundle = mapper.map(reader.read(Files.readString(GOLDEN.resolve(name + ".input.json"))));
        String actual = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle);
        Path expected = GOLDEN.resolve(name + ".expected.json");

        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(expected, actual + "\n");
        }

        assertThat(expected).as("golden file for " + name + " (run with -Dgolden.update=true to create it)").exists();
        JsonNode want = JSON.readTree(expected.toFile());
        JsonNode got = JSON.readTree(actual);
        assertThat(got.toPrettyString()).as("mapping of " + name).isEqualTo(want.toPrettyString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mappingIsDeterministic(String name) throws IOException {
        String input = Files.readString(GOLDEN.resolve(name + ".input.json"));
        String first = FHIR.newJsonParser().encodeResourceToString(mapper.map(reader.read(input)));
        String second = FHIR.newJsonParser().encodeResourceToString(new ClinicalMapper().map(reader.read(input)));

        assertThat(second).isEqualTo(first);
    }
}
