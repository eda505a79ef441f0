package org.annulus.bridge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.outbox.AcceptResult;
import org.annulus.bridge.outbox.Outbox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The file drop against a real inbox directory: the real intake checks, only the store is a stub.
 * Claims, refusals of links, pipes and oversized files, bounded retries, two instances on one inbox.
 */
class FileDropIntakeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final int LIMIT = 4096;
    static final int MAX_ATTEMPTS = 3;

    @TempDir
    Path inbox;

    final Outbox outbox = mock(Outbox.class);
    final AtomicInteger stored = new AtomicInteger();
    Clock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    String document;

    @BeforeEach
    void setUp() throws IOException {
        document = Files.readString(Path.of("test-fixtures/input/milestone-normal-activity.json"));
        when(outbox.accept(any())).thenAnswer(i -> new AcceptResult.Accepted("t-" + stored.incrementAndGet()));
    }

    FileDropIntake instance() {
        IntakeProperties properties = new IntakeProperties(inbox, LIMIT, Duration.ofMinutes(5), MAX_ATTEMPTS);
        DocumentIntake intake = new DocumentIntake(
                new DocumentSchemas(), outbox, properties, new SimpleMeterRegistry(), Clock.systemUTC());
        return new FileDropIntake(intake, intake::accept, properties, FHIR, clock);
    }

    Path drop(String name, String content) throws IOException {
        Path tmp = inbox.resolve(name + ".tmp");
        Files.writeString(tmp, content);
        return Files.move(tmp, inbox.resolve(name));
    }

    @Test
    void aValidFileIsStoredAndMovedToProcessed() throws IOException {
        drop("a.json", document);

        Optional<Path> to = instance().accept("a.json");

        assertThat(to).get().asString().contains("processed");
        assertThat(inbox.resolve("a.json")).doesNotExist();
        assertThat(stored).hasValue(1);
    }

    @Test
    void aSymbolicLinkIsRefusedAndItsTargetNeverRead() throws IOException {
        Path secret = Files.writeString(inbox.getParent().resolve(inbox.getFileName() + "-target.json"), document);
        Files.createSymbolicLink(inbox.resolve("link.json"), secret);

        Optional<Path> to = instance().accept("link.json");

        assertThat(to).get().asString().contains("rejected");
        assertThat(Files.isSymbolicLink(to.get()))
                .as("the link itself moved, not its target")
                .isTrue();
        assertThat(secret).exists();
        assertThat(reasonExpression()).isEqualTo("$");
        verify(outbox, never()).accept(any());
    }

    @Test
    @Timeout(20)
    void aNamedPipeIsRefusedWithoutReadingIt() throws Exception {
        Path fifo = inbox.resolve("pipe.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();

        Optional<Path> to = instance().accept("pipe.json"); // reading a pipe with no writer would block

        assertThat(to).get().asString().contains("rejected");
        assertThat(reason().at("/issue/0/code").asText()).isEqualTo("security");
        verify(outbox, never()).accept(any());
    }

    @Test
    void anOversizedFileIsMovedToRejectedUnread() throws IOException {
        Path big = inbox.resolve("big.json");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(LIMIT + 1L);
        }

        Optional<Path> to = instance().accept("big.json");

        assertThat(to).get().asString().contains("rejected");
        assertThat(reason().at("/issue/0/code").asText()).isEqualTo("too-costly");
        assertThat(reason().at("/issue/0/diagnostics").asText()).contains("4097 bytes", "limit is 4096");
        verify(outbox, never()).accept(any());
    }

    @Test
    void aFileThatKeepsFailingGoesToRejectedAfterTheBoundedNumberOfTries() throws IOException {
        when(outbox.accept(any())).thenThrow(new IllegalStateException("a bug"));
        drop("poison.json", document);
        FileDropIntake intake = instance();

        for (int i = 1; i < MAX_ATTEMPTS; i++) {
            assertThatThrownBy(() -> intake.accept("poison.json")).isInstanceOf(IllegalStateException.class);
            assertThat(inbox.resolve("poison.json"))
                    .as("back in the inbox after try " + i)
                    .exists();
        }
        Optional<Path> to = intake.accept("poison.json");

        assertThat(to).get().asString().contains("rejected");
        assertThat(reason().at("/issue/0/diagnostics").asText()).contains("failed " + MAX_ATTEMPTS + " times");
        verify(outbox, times(MAX_ATTEMPTS)).accept(any());
    }

    @Test
    void anUnreachableStoreNeverRejectsTheFile() throws IOException {
        when(outbox.accept(any())).thenThrow(new DataAccessResourceFailureException("down"));
        drop("wait.json", document);
        FileDropIntake intake = instance();

        for (int i = 0; i < MAX_ATTEMPTS * 3; i++) {
            assertThatThrownBy(() -> intake.accept("wait.json")).isInstanceOf(DataAccessResourceFailureException.class);
        }

        assertThat(inbox.resolve("wait.json")).exists();
        assertThat(inbox.resolve("rejected")).doesNotExist();
    }

    @Test
    void twoInstancesSharingOneInboxNeverTakeTheSameFile() throws Exception {
        FileDropIntake first = instance();
        FileDropIntake second = instance();
        int files = 40;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < files; i++) {
                String name = "race-" + i + ".json";
                drop(name, document);
                CountDownLatch start = new CountDownLatch(1);
                Future<Optional<Path>> a = pool.submit(() -> {
                    start.await();
                    return first.accept(name);
                });
                Future<Optional<Path>> b = pool.submit(() -> {
                    start.await();
                    return second.accept(name);
                });
                start.countDown();
                assertThat(Stream.of(a.get(10, TimeUnit.SECONDS), b.get(10, TimeUnit.SECONDS))
                                .filter(Optional::isPresent))
                        .as(name + " taken exactly once")
                        .hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored).hasValue(files);
        assertThat(listing("processed")).hasSize(files);
    }

    @Test
    void aClaimLeftByADeadInstanceReturnsToTheInboxAfterTheLease() throws IOException {
        Files.createDirectories(inbox.resolve("claimed"));
        Files.writeString(inbox.resolve("claimed").resolve("orphan.20261201T094000000.json.deadbeef"), document);
        Files.writeString(inbox.resolve("claimed").resolve("recent.20261201T095800000.json.cafebabe"), document);

        instance().accept("nothing-here.json");

        assertThat(inbox.resolve("orphan.20261201T094000000.json"))
                .as("claimed 20 minutes ago")
                .exists();
        assertThat(inbox.resolve("claimed").resolve("recent.20261201T095800000.json.cafebabe"))
                .as("claimed 2 minutes ago: its instance may still be working")
                .exists();
    }

    @Test
    void anOversizedBodyIsNeverReadWhole() throws IOException {
        IntakeProperties properties = new IntakeProperties(inbox, LIMIT, Duration.ofMinutes(5), MAX_ATTEMPTS);
        DocumentIntake intake = new DocumentIntake(
                new DocumentSchemas(), outbox, properties, new SimpleMeterRegistry(), Clock.systemUTC());
        AtomicInteger read = new AtomicInteger();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return ' ';
            }
        };

        byte[] body = intake.readBounded(endless);

        assertThat(body).hasSize(LIMIT + 1);
        assertThat(read.get()).isLessThanOrEqualTo(LIMIT + 1);
        assertThat(((IntakeResult.Refused) intake.accept(body, "api")).httpStatus())
                .isEqualTo(413);
        assertThat(intake.readBounded(new ByteArrayInputStream(new byte[10]))).hasSize(10);
    }

    List<Path> listing(String dir) throws IOException {
        try (Stream<Path> files = Files.list(inbox.resolve(dir))) {
            return new ArrayList<>(files.toList());
        }
    }

    JsonNode reason() throws IOException {
        Path reason = listing("rejected").stream()
                .filter(p -> p.toString().endsWith(".reason.json"))
                .findFirst()
                .orElseThrow();
        return JSON.readTree(reason.toFile());
    }

    String reasonExpression() throws IOException {
        return reason().at("/issue/0/expression/0").asText();
    }
}
