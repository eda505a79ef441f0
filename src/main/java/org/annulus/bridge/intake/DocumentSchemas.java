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
import java.util.List;
import java.util.Map;
import org.annulus.bridge.document.DocumentKind;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/** The published JSON Schemas of contract v1, one per kind, compiled once. */
@Component
class DocumentSchemas {

    private final Map<DocumentKind, JsonSchema> schemas = new EnumMap<>(DocumentKind.class);
    private final Map<DocumentKind, byte[]> sources = new EnumMap<>(DocumentKind.class);

    DocumentSchemas() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_PATH)
                .formatAssertionsEnabled(true)
                .build();
        for (DocumentKind kind : DocumentKind.values()) {
            ClassPathResource resource = new ClassPathResource("schemas/" + kind.code() + ".schema.json");
            try (InputStream in = resource.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                sources.put(kind, bytes);
                schemas.put(kind, factory.getSchema(new java.io.ByteArrayInputStream(bytes), config));
            } catch (IOException e) {
                throw new UncheckedIOException("schema for " + kind.code() + " missing from the build", e);
            }
        }
    }

    byte[] source(DocumentKind kind) {
        return sources.get(kind);
    }

    /** The schema violations, each with the JSONPath of the offending field, in document order. */
    List<Problem> check(DocumentKind kind, JsonNode document) {
        return schemas.get(kind).validate(document).stream()
                .map(DocumentSchemas::problem)
                .sorted(Comparator.comparing(Problem::path))
                .distinct()
                .toList();
    }

    private static Problem problem(ValidationMessage m) {
        String at = m.getInstanceLocation().toString();
        return switch (m.getType()) {
            case "required" -> new Problem(IssueType.REQUIRED, child(at, m.getProperty()), "required field is missing");
            case "additionalProperties", "unevaluatedProperties" -> new Problem(IssueType.STRUCTURE,
                    child(at, m.getProperty()), "unknown field: not part of contract v1");
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
