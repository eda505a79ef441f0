package org.annulus.bridge.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.annulus.bridge.outbox.RawDocumentCopies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The file drop's copies in {@code processed/} and {@code rejected/} (with their reasons), deleted by
 * the raw-document retention once older than {@code bridge.retention.raw-documents}: the accepted ones
 * live on in the store, the refused ones were never clinical record.
 */
@Component
class FileDropRetention implements RawDocumentCopies {

    private static final Logger log = LoggerFactory.getLogger(FileDropRetention.class);
    static final List<String> KEPT_COPIES = List.of("processed", "rejected");

    private final IntakeProperties intake;

    FileDropRetention(IntakeProperties intake) {
        this.intake = intake;
    }

    @Override
    public String description() {
        return "file-drop copies";
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        int deleted = 0;
        for (String dir : KEPT_COPIES) {
            Path folder = intake.inbox().resolve(dir);
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                                    .toInstant()
                                    .isBefore(cutoff)
                            && Files.deleteIfExists(file)) {
                        deleted++;
                    }
                }
            } catch (IOException e) {
                // Tried again at the next run; the file name is not logged (it may carry clinic identifiers).
                log.warn(
                        "retention: cannot purge the file drop's {}/ ({})",
                        dir,
                        e.getClass().getSimpleName());
            }
        }
        return deleted;
    }
}
