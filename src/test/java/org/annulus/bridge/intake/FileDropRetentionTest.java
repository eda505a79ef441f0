package org.annulus.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file drop's copies go once older than the retention period; newer ones and the inbox stay. */
class FileDropRetentionTest {

    static final Instant NOW = Instant.parse("2026-09-01T03:30:00Z");

    @TempDir
    Path inbox;

    @Test
    void copiesOlderThanTheRetentionPeriodArePurgedAndNewerOnesKept() throws IOException {
        Path oldProcessed = file("processed/CA-1.20260301T100000000.json", Duration.ofDays(91));
        Path oldRejected = file("rejected/RM-2.20260301T100000000.json", Duration.ofDays(120));
        Path oldReason = file("rejected/RM-2.20260301T100000000.reason.json", Duration.ofDays(120));
        Path recent = file("processed/PN-3.20260801T100000000.json", Duration.ofDays(89));
        Path waiting = file("CA-4.json", Duration.ofDays(200));

        int purged = new FileDropRetention(new IntakeProperties(inbox, 1048576, Duration.ofMinutes(5), 5))
                .purgeBefore(NOW.minus(Duration.ofDays(90)));

        assertThat(purged).isEqualTo(3);
        assertThat(oldProcessed).doesNotExist();
        assertThat(oldRejected).doesNotExist();
        assertThat(oldReason).doesNotExist();
        assertThat(recent).exists();
        assertThat(waiting).as("a file still in the inbox is not a copy").exists();
    }

    @Test
    void noCopyFoldersYetIsNothingToDo() {
        assertThat(new FileDropRetention(new IntakeProperties(inbox.resolve("none"), 1048576, Duration.ofMinutes(5), 5))
                        .purgeBefore(NOW.minus(Duration.ofDays(90))))
                .isZero();
    }

    Path file(String name, Duration age) throws IOException {
        Path file = inbox.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{}");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
        return file;
    }
}
