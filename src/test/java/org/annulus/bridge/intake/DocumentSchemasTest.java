package org.annulus.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentSchemasTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final DocumentSchemas schemas = new DocumentSchemas();

    @ParameterizedTest
    @ValueSource(strings = {"candidacy-assessment", "procedure-note", "recovery-milestone"})
    void theSharedExamplesPass(String kind) throws IOException {
        Path example = Path.of("..", "shared", "examples", kind + ".json");
        assumeTrue(Files.exists(example), "../shared/examples is beside the project on development machines and CI");

        JsonNode doc = JSON.readTree(example.toFile());

        assertThat(schemas.check(DocumentKind.fromCode(kind).orElseThrow(), doc))
                .isEmpty();
    }

    @Test
    void everyInputFixturePasses() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("test-fixtures", "input"))) {
            for (Path file : files.toList()) {
                JsonNode doc = JSON.readTree(file.toFile());
                DocumentKind kind =
                        DocumentKind.fromCode(doc.get("kind").asText()).orElseThrow();
                assertThat(schemas.check(kind, doc)).as(file.toString()).isEmpty();
            }
        }
    }

    @Test
    void everyGoldenInputPasses() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("test-fixtures", "golden"))) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".input.json")).toList()) {
                JsonNode input = JSON.readTree(file.toFile());
                for (JsonNode doc :
                        input.isArray() ? input : JSON.createArrayNode().add(input)) {
                    DocumentKind kind =
                            DocumentKind.fromCode(doc.get("kind").asText()).orElseThrow();
                    assertThat(schemas.check(kind, doc)).as(file.toString()).isEmpty();
                }
            }
        }
    }

    @Test
    void unknownNestedFieldIsNamedByPath() throws IOException {
        ObjectNode doc = Fixtures.document("procedure-single-level");
        ((ObjectNode) doc.get("levels").get(0)).put("colour", "red");

        List<Problem> problems = schemas.check(DocumentKind.PROCEDURE_NOTE, doc);

        assertThat(problems)
                .containsExactly(new Problem(
                        IssueType.STRUCTURE, "$.levels[0].colour", "unknown field: not part of contract v1"));
    }

    @Test
    void missingRequiredFieldIsNamedByPath() throws IOException {
        ObjectNode doc = Fixtures.document("milestone-normal-activity");
        ((ObjectNode) doc.get("author")).remove("npi");

        assertThat(schemas.check(DocumentKind.RECOVERY_MILESTONE, doc))
                .containsExactly(new Problem(IssueType.REQUIRED, "$.author.npi", "required field is missing"));
    }

    @Test
    void outOfRangeValueIsNamedByPath() throws IOException {
        ObjectNode doc = Fixtures.document("candidacy-unilateral-left");
        doc.put("backPainNrs", 12);

        assertThat(schemas.check(DocumentKind.CANDIDACY_ASSESSMENT, doc))
                .extracting(Problem::path)
                .containsExactly("$.backPainNrs");
    }

    /**
     * The schemas bound what the store's columns hold (Flyway migrations), for every schema file,
     * whatever contract version it belongs to: a value that passes the schema must never fail the insert.
     */
    @Test
    void everySchemaBoundsIdentifiersByTheStoresColumns() throws IOException {
        String migrations;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.sorted().map(f -> readString(f)).reduce("", String::concat);
        }
        int documentId = column(migrations, "document_id");
        int relatedId = column(migrations, "related_document_id");
        int patientKey = column(migrations, "patient_key"); // holds mrnSystem|mrn
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/schemas"))) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".schema.json")).toList()) {
                JsonNode schema = JSON.readTree(file.toFile());
                JsonNode defs = schema.get("$defs");
                assertThat(maxLength(defs.get("documentId")))
                        .as(file + " documentId")
                        .isLessThanOrEqualTo(documentId);
                for (String link : List.of("candidacyDocumentId", "procedureDocumentId")) {
                    if (schema.at("/properties/" + link).has("$ref")) {
                        assertThat(documentId)
                                .as(file + " " + link + " is a documentId")
                                .isLessThanOrEqualTo(relatedId);
                    }
                }
                JsonNode patient = defs.at("/patient/properties");
                assertThat(patient.at("/mrnSystem/maxLength").asInt(Integer.MAX_VALUE)
                                + 1
                                + patient.at("/mrn/maxLength").asInt(Integer.MAX_VALUE))
                        .as(file + " mrnSystem|mrn")
                        .isLessThanOrEqualTo(patientKey);
                assertThat(schema.at("/properties/version/maximum").asLong(Long.MAX_VALUE))
                        .as(file + " version")
                        .isLessThanOrEqualTo(Integer.MAX_VALUE);
            }
        }
    }

    private static int column(String migrations, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + name + "\\s+varchar\\((\\d+)\\)")
                .matcher(migrations);
        assertThat(m.find()).as("column " + name).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A documentId's length bound: maxLength, or the pattern's {0,N} after one leading character. */
    private static int maxLength(JsonNode def) {
        if (def.has("maxLength")) {
            return def.get("maxLength").asInt();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\^\\[[^\\]]+\\]\\[[^\\]]+\\]\\{0,(\\d+)\\}\\$$")
                .matcher(def.path("pattern").asText());
        assertThat(m.matches())
                .as("documentId has maxLength or a bounded pattern: " + def)
                .isTrue();
        return 1 + Integer.parseInt(m.group(1));
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
