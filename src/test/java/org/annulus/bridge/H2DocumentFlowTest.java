package org.annulus.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The end-to-end flow on the embedded default store, H2. */
class H2DocumentFlowTest extends DocumentFlowContract {

    static final Path WORK = tempDir("bridge-h2-");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        workDirs(registry, WORK);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:bridge-flow;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    }

    @Override
    Path inbox() {
        return WORK.resolve("inbox");
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
