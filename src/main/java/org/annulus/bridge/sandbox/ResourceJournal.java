package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's durable state: every stored resource version as one line of NDJSON, appended in
 * the order it was stored. Replaying the lines rebuilds the store. No fsync: a sandbox may lose
 * the last write in a power cut, but a flush per write survives a process crash.
 */
final class ResourceJournal implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ResourceJournal.class);

    private final Path file;
    private final FhirContext fhirContext;
    private BufferedWriter writer;

    ResourceJournal(Path file, FhirContext fhirContext) {
        this.file = file;
        this.fhirContext = fhirContext;
    }

    Path file() {
        return file;
    }

    /** Every version in the journal, oldest first. */
    List<Resource> replay() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<Resource> versions = new ArrayList<>(lines.size());
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                try {
                    versions.add((Resource) fhirContext.newJsonParser().parseResource(line));
                } catch (DataFormatException | ClassCastException e) {
                    // A crash in the middle of a write leaves a torn last line: drop it. A bad line
                    // anywhere else means the file was edited by hand, and guessing would be worse.
                    if (i != lines.size() - 1) {
                        throw new IllegalStateException(
                                "Sandbox journal " + file + " is damaged at line " + (i + 1)
                                        + "; move it away to start the sandbox empty",
                                e);
                    }
                    log.warn("Sandbox journal {}: ignoring torn last line {}", file, i + 1);
                }
            }
            return versions;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read sandbox journal " + file, e);
        }
    }

    /** Appends the versions as one write, so a transaction lands in the file as a whole. */
    void append(List<Resource> versions) {
        StringBuilder lines = new StringBuilder();
        for (Resource version : versions) {
            lines.append(fhirContext.newJsonParser().setPrettyPrint(false).encodeResourceToString(version))
                    .append('\n');
        }
        try {
            BufferedWriter out = writer();
            out.write(lines.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to sandbox journal " + file, e);
        }
    }

    private BufferedWriter writer() throws IOException {
        if (writer == null) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            writer = Files.newBufferedWriter(
                    file,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
        return writer;
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }
}
