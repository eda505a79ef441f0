package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Our own conformance resources: every {@code *.json} file in the configured profiles directory. */
final class ProfileDirectory {

    private final FhirContext fhir;
    private final Path dir;

    ProfileDirectory(FhirContext fhir, Path dir) {
        this.fhir = fhir;
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /**
     * Parses every file strictly: a misspelt element in a profile would otherwise be dropped silently
     * and the gate would check less than its authors think, so a bad file stops start-up instead.
     */
    List<IBaseResource> resources() {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("bridge.profiles.dir: " + dir.toAbsolutePath() + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                    .sorted()
                    .map(this::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("bridge.profiles.dir: cannot list " + dir.toAbsolutePath(), e);
        }
    }

    private IBaseResource parse(Path file) {
        try {
            return fhir.newJsonParser()
                    .setParserErrorHandler(new StrictErrorHandler())
                    .parseResource(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("bridge.profiles.dir: cannot read " + file, e);
        } catch (DataFormatException e) {
            throw new IllegalStateException(
                    "bridge.profiles.dir: " + file + " is not a valid FHIR R4 JSON resource: " + e.getMessage(), e);
        }
    }
}
