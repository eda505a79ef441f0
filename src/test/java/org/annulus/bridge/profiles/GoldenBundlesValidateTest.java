package org.annulus.bridge.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance of the mapping by the gate: every golden bundle the mappers are held to must pass FHIR
 * validation, or the bridge would reject the very documents the golden files describe.
 */
class GoldenBundlesValidateTest {

    static final Path GOLDEN = Path.of("test-fixtures", "golden");

    static Stream<String> goldenBundles() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".expected.json"))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenBundles")
    void goldenBundleHasNoValidationErrors(String file) throws IOException {
        Bundle bundle =
                Validators.FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(GOLDEN.resolve(file)));

        ValidationReport report = Validators.PROJECT.validate(bundle);

        assertThat(report.errors())
                .as(() -> file + ":\n" + Validators.errorsOf(report))
                .isEmpty();
    }
}
