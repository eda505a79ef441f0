package org.annulus.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.mapping.ClinicalMapper;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract v1.1 is additive: {@code schemaVersion} selects the schema, and every v1 document the
 * project holds (fixtures, golden inputs, the shared examples) still validates and maps.
 */
class ContractVersionsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final DocumentSchemas schemas = new DocumentSchemas();
    final DocumentReader reader = new DocumentReader();
    final ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());

    /** Every single document in test-fixtures and ../shared/examples, named by file (and index in an array). */
    static Stream<Object[]> documents() throws IOException {
        List<Object[]> all = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(
                Path.of("test-fixtures", "input"),
                Path.of("test-fixtures", "golden"),
                Path.of("..", "shared", "examples"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(f -> f.toString().endsWith(".json")
                                    && !f.toString().endsWith(".expected.json"))
                            .sorted()
                            .forEach(files::add);
                }
            }
        }
        for (Path file : files) {
            JsonNode input = JSON.readTree(file.toFile());
            if (input.isArray()) {
                for (int i = 0; i < input.size(); i++) {
                    all.add(new Object[] {file + "[" + i + "]", input.get(i)});
                }
            } else {
                all.add(new Object[] {file.toString(), input});
            }
        }
        return all.stream();
    }

    static Stream<Object[]> v1Documents() throws IOException {
        return documents()
                .filter(d -> "1".equals(((JsonNode) d[1]).path("schemaVersion").asText()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("v1Documents")
    void everyV1DocumentStillValidatesAndMaps(String name, JsonNode doc) {
        DocumentKind kind = DocumentKind.fromCode(doc.get("kind").asText()).orElseThrow();

        assertThat(schemas.check(kind, doc)).as(name).isEmpty();
        Bundle bundle = mapper.map(reader.read(doc));

        assertThat(bundle.getEntry()).as(name).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("v1Documents")
    void everyV1DocumentIsAlsoAValidV11Document(String name, JsonNode doc) {
        ObjectNode v11 = ((ObjectNode) doc.deepCopy()).put("schemaVersion", "1.1");
        DocumentKind kind = DocumentKind.fromCode(doc.get("kind").asText()).orElseThrow();

        assertThat(schemas.check(kind, v11)).as(name).isEmpty();
        assertThat(mapper.map(reader.read(v11)).getEntry()).as(name).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "1.0", "v1", ""})
    void unknownSchemaVersionIsRefusedAtSchemaVersion(String version) throws IOException {
        ObjectNode doc = Fixtures.document("candidacy-unilateral-left");
        doc.put("schemaVersion", version);

        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                .extracting(Problem::path, Problem::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("$.schemaVersion", IssueType.VALUE));
    }

    @Test
    void numericSchemaVersionIsRefusedAtSchemaVersion() throws IOException {
        ObjectNode doc = Fixtures.document("candidacy-unilateral-left");
        doc.put("schemaVersion", 1);

        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                .extracting(Problem::path)
                .containsExactly("$.schemaVersion");
    }

    @Test
    void missingSchemaVersionIsNamed() throws IOException {
        ObjectNode doc = Fixtures.document("candidacy-unilateral-left");
        doc.remove("schemaVersion");

        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                .contains(new Problem(IssueType.REQUIRED, "$.schemaVersion", "required field is missing"));
    }

    @Test
    void bothVersionsArePublishedPerKindAndTheNewestIsTheDefault() throws IOException {
        for (DocumentKind kind : DocumentKind.values()) {
            JsonNode v1 = JSON.readTree(schemas.source(kind, "1").orElseThrow());
            JsonNode v11 = JSON.readTree(schemas.source(kind, "1.1").orElseThrow());

            assertThat(v1.at("/properties/schemaVersion/const").asText()).isEqualTo("1");
            assertThat(v11.at("/properties/schemaVersion/const").asText()).isEqualTo("1.1");
            assertThat(JSON.readTree(schemas.source(kind))).isEqualTo(v11);
            assertThat(schemas.source(kind, "3")).isEmpty();
        }
    }

    static ObjectNode v11(String golden) throws IOException {
        return (ObjectNode) JSON.readTree(
                Path.of("test-fixtures/golden/" + golden + ".input.json").toFile());
    }

    @Test
    void v11AcceptsNonDermatomalLegPainWithoutDermatomesButDermatomalPainStillNeedsThem() throws IOException {
        ObjectNode doc = v11("candidacy-v1-1-non-dermatomal-facet");
        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc)).isEmpty();

        ((ObjectNode) doc.get("legPain")).put("pattern", "dermatomal");

        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                .extracting(Problem::path)
                .containsExactly("$.legPain.dermatomes");
    }

    @Test
    void v11RequiresLegPainUnlessAxialPainOnlyAndThenForbidsIt() throws IOException {
        ObjectNode axial = v11("candidacy-v1-1-axial-pain-only");
        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, axial)).isEmpty();

        ObjectNode withLeg = axial.deepCopy();
        withLeg.set("legPain", v11("candidacy-unilateral-left").get("legPain"));
        ObjectNode neither = axial.deepCopy();
        neither.remove("axialPainOnly");

        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, withLeg))
                .extracting(Problem::path)
                .contains("$.legPain");
        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, neither))
                .contains(new Problem(IssueType.REQUIRED, "$.legPain", "required field is missing"));
    }

    @Test
    void v11FieldsInAV1DocumentAreUnknownFields() throws IOException {
        ObjectNode doc = v11("candidacy-v1-1-exam-findings");
        doc.put("schemaVersion", "1");

        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                .extracting(Problem::path)
                .contains(
                        "$.exam",
                        "$.redFlags",
                        "$.contraindications",
                        "$.consent",
                        "$.determination.criteria",
                        "$.legPain.attributedToDisc");
    }

    @Test
    void fardonZonesAndTheV1TearLocationsAreBothAccepted() throws IOException {
        ObjectNode doc = v11("candidacy-v1-1-tear-zones");
        for (String zone : List.of(
                "central",
                "subarticular-left",
                "subarticular-right",
                "foraminal-right",
                "extraforaminal-left",
                "anterior",
                "posterior-central",
                "posterolateral-right")) {
            ((ObjectNode) doc.get("imaging").get(0).get("findings").get(1)).put("tearLocation", zone);
            assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                    .as(zone)
                    .isEmpty();
        }
        ((ObjectNode) doc.get("imaging").get(0).get("findings").get(1)).put("tearLocation", "lateral");
        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                .extracting(Problem::path)
                .containsExactly("$.imaging[0].findings[1].tearLocation");
    }
}
