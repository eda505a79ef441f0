package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Our own conformance resources: every {@code *.json} file in {@code bridge.profiles.dir}, read once
 * at start-up. The validation gate checks against them; the mapping follows the PlanDefinitions.
 */
@Component
public final class ProfileDirectory {

    private final Path dir;
    private final List<IBaseResource> resources;

    @Autowired
    ProfileDirectory(FhirContext fhir, ProfilesProperties properties) {
        this(fhir, properties.dir());
    }

    ProfileDirectory(FhirContext fhir, Path dir) {
        this.dir = dir;
        this.resources = read(fhir, dir);
    }

    Path dir() {
        return dir;
    }

    List<IBaseResource> resources() {
        return resources;
    }

    /** The PlanDefinition with this canonical URL, if the directory has one. */
    public Optional<PlanDefinition> planDefinition(String url) {
        return resources.stream()
                .filter(PlanDefinition.class::isInstance)
                .map(PlanDefinition.class::cast)
                .filter(p -> url.equals(p.getUrl()))
                .findFirst();
    }

    /**
     * Parses every file strictly: a misspelt element in a profile would otherwise be dropped silently
     * and the gate would check less than its authors think, so a bad file stops start-up instead.
     */
    private static List<IBaseResource> read(FhirContext fhir, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("bridge.profiles.dir: " + dir.toAbsolutePath() + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                    .sorted()
                    .map(f -> parse(fhir, f))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("bridge.profiles.dir: cannot list " + dir.toAbsolutePath(), e);
        }
    }

    private static IBaseResource parse(FhirContext fhir, Path file) {
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
