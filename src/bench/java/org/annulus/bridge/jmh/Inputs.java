package org.annulus.bridge.jmh;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clinic documents the micro-benchmarks feed in, per kind: the published example
 * ({@code ../shared/examples/}, or its copy in {@code test-fixtures/input/}) or every golden input of that
 * kind ({@code test-fixtures/golden/*.input.json}; the array inputs are send-time compositions, left out).
 */
final class Inputs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("..", "shared", "examples");
    private static final Path GOLDEN = Path.of("test-fixtures", "golden");

    static {
        // Without a logback.xml logback logs DEBUG to the console: HAPI's and the intake's lines would be
        // measured with the work.
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(Logger.ROOT_LOGGER_NAME)
                .setLevel(Level.WARN);
    }

    private Inputs() {}

    /** The documents of one kind, as the clinic sends them. */
    static List<String> of(String kind, String source) {
        return switch (source) {
            case "example" -> List.of(example(kind));
            case "golden" -> golden(kind);
            default -> throw new IllegalArgumentException("source is example or golden, not " + source);
        };
    }

    /**
     * {@code count} copies of a document, each with its own documentId: distinct content, so a cache keyed
     * by content never answers for the validator.
     */
    static List<String> distinct(List<String> documents, int count) {
        List<String> copies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ObjectNode doc = (ObjectNode) tree(documents.get(i % documents.size()));
            doc.put("documentId", doc.get("documentId").asText() + "-" + i);
            copies.add(doc.toString());
        }
        return copies;
    }

    private static String example(String kind) {
        Path shared = EXAMPLES.resolve(kind + ".json");
        if (Files.exists(shared)) {
            return read(shared);
        }
        try (Stream<Path> files = Files.list(Path.of("test-fixtures", "input"))) {
            return files.map(Inputs::read)
                    .filter(json -> kind.equals(tree(json).path("kind").asText()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no example of " + kind));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> golden(String kind) {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            List<String> documents = files.filter(
                            f -> f.getFileName().toString().endsWith(".input.json"))
                    .sorted()
                    .map(Inputs::read)
                    .filter(json -> !json.strip().startsWith("["))
                    .filter(json -> kind.equals(tree(json).path("kind").asText()))
                    .toList();
            if (documents.isEmpty()) {
                throw new IllegalStateException("no golden input of " + kind + " in " + GOLDEN.toAbsolutePath());
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
