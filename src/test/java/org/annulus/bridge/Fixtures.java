package org.annulus.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Clinic documents from {@code test-fixtures/input/}, made unique per test where needed. */
public final class Fixtures {

    public static final Path ROOT = Path.of("test-fixtures");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static ObjectNode document(String name) {
        try {
            return (ObjectNode) JSON.readTree(ROOT.resolve("input").resolve(name + ".json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture with a fresh documentId, so tests sharing one database never collide. */
    public static ObjectNode fresh(String name) {
        ObjectNode doc = document(name);
        doc.put("documentId", doc.get("documentId").asText().substring(0, 3) + UUID.randomUUID().toString().substring(0, 18));
        return doc;
    }

    public static String json(ObjectNode doc) {
        try {
            return JSON.writeValueAsString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
