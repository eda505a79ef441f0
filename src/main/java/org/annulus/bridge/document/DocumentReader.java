package org.annulus.bridge.document;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns a schema-checked JSON document into its record. Strict like the schema: an unknown field
 * fails here too, so a schema that forgot a field can never make us drop data silently.
 */
public final class DocumentReader {

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    public ClinicalDocument read(JsonNode json) {
        try {
            return mapper.treeToValue(json, ClinicalDocument.class);
        } catch (IOException e) {
            // The message of a Jackson error can quote the offending value: keep it out.
            throw new UnreadableDocument(pathOf(e), reasonOf(e));
        } catch (RuntimeException e) {
            // A value the model's types refuse outside Jackson's own checks (a date-time parser, say).
            throw new UnreadableDocument("$", "not a valid value for its field");
        }
    }

    /** A schema-valid document the model cannot hold; says where, never what (the value may be PHI). */
    public static final class UnreadableDocument extends UncheckedIOException {

        private final String path;
        private final String reason;

        UnreadableDocument(String path, String reason) {
            super("document does not fit the contract v1 model at " + path + ": " + reason, new IOException());
            this.path = path;
            this.reason = reason;
        }

        public String path() {
            return path;
        }

        public String reason() {
            return reason;
        }
    }

    private static String reasonOf(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f) {
            return "not a valid "
                    + f.getTargetType()
                            .getSimpleName()
                            .replace("OffsetDateTime", "date-time")
                            .replace("LocalDate", "date")
                            .replace("int", "integer")
                            .replace("Integer", "integer");
        }
        if (e instanceof com.fasterxml.jackson.core.exc.InputCoercionException) {
            return "out of range";
        }
        return "does not fit the field's type";
    }

    public ClinicalDocument read(String json) {
        try {
            return read(mapper.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException("stored document is not JSON", new IOException());
        }
    }

    private static String pathOf(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException jme) {
            return jme.getPath().stream()
                    .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce("$", String::concat);
        }
        return "$";
    }
}
