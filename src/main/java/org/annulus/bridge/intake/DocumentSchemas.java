package org.annulus.bridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The published JSON Schemas, one per kind and contract version, compiled once. The document's own
 * {@code schemaVersion} selects the schema: v1.1 is additive, so a v1 document keeps validating
 * against the v1 schema it was written for, and the v1 files are never edited.
 */
@Component
class DocumentSchemas {

    /** Contract versions, oldest first; the last one is what {@code GET /api/v1/schemas/{kind}} serves. */
    static final List<String> VERSIONS = List.of("1", "1.1");

    private final Map<DocumentKind, Map<String, JsonSchema>> schemas = new EnumMap<>(DocumentKind.class);
    private final Map<DocumentKind, Map<String, byte[]>> sources = new EnumMap<>(DocumentKind.class);

    DocumentSchemas() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_PATH)
                .formatAssertionsEnabled(true)
                .build();
        for (DocumentKind kind : DocumentKind.values()) {
            for (String version : VERSIONS) {
                ClassPathResource resource = new ClassPathResource("schemas/" + fileName(kind, version));
                try (InputStream in = resource.getInputStream()) {
                    byte[] bytes = in.readAllBytes();
                    sources.computeIfAbsent(kind, k -> new HashMap<>()).put(version, bytes);
                    schemas.computeIfAbsent(kind, k -> new HashMap<>())
                            .put(version, factory.getSchema(new java.io.ByteArrayInputStream(bytes), config));
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "schema v" + version + " for " + kind.code() + " missing from the build", e);
                }
            }
        }
    }

    /** v1 keeps its original file name, so links to it stay valid. */
    static String fileName(DocumentKind kind, String version) {
        return kind.code() + ("1".equals(version) ? "" : ".v" + version) + ".schema.json";
    }

    /** The newest published schema of a kind. */
    byte[] source(DocumentKind kind) {
        return sources.get(kind).get(VERSIONS.get(VERSIONS.size() - 1));
    }

    /** The schema of one contract version, if that version exists. */
    Optional<byte[]> source(DocumentKind kind, String version) {
        return Optional.ofNullable(sources.get(kind).get(version));
    }

    /**
     * The schema violations, each with the JSONPath of the offending field, in document order. The
     * document's {@code schemaVersion} picks the schema; an unknown one is the only problem reported.
     */
    List<Problem> check(DocumentKind kind, JsonNode document) {
        JsonNode declared = document.get("schemaVersion");
        // Without a version the newest schema lists every problem, the missing schemaVersion among them.
        String version =
                declared == null ? VERSIONS.get(VERSIONS.size() - 1) : declared.isTextual() ? declared.asText() : null;
        if (version == null || !VERSIONS.contains(version)) {
            return List.of(new Problem(
                    IssueType.VALUE, "$.schemaVersion", "schemaVersion must be one of \"1\", \"1.1\" (a string)"));
        }
        return schemas.get(kind).get(version).validate(document).stream()
                .map(m -> problem(m, version))
                .sorted(Comparator.comparing(Problem::path))
                .distinct()
                .toList();
    }

    private static Problem problem(ValidationMessage m, String version) {
        String at = m.getInstanceLocation().toString();
        return switch (m.getType()) {
            case "required" -> new Problem(IssueType.REQUIRED, child(at, m.getProperty()), "required field is missing");
            case "additionalProperties", "unevaluatedProperties" ->
                new Problem(
                        IssueType.STRUCTURE,
                        child(at, m.getProperty()),
                        "unknown field: not part of contract v" + version);
            case "type" -> new Problem(IssueType.STRUCTURE, at, withoutPath(m.getMessage(), at));
            default -> new Problem(IssueType.VALUE, at, withoutPath(m.getMessage(), at));
        };
    }

    private static String child(String parent, String property) {
        return property == null ? parent : parent + "." + property;
    }

    private static String withoutPath(String message, String at) {
        return message.startsWith(at + ": ") ? message.substring(at.length() + 2) : message;
    }
}
