package org.annulus.bridge.intake;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.annulus.bridge.outcome.Problem;
import org.apache.camel.Exchange;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The file-drop channel, called by the {@code intake-file-drop} route for each {@code *.json} in the
 * inbox. The file is first <em>claimed</em> by an atomic rename into {@code claimed/}: of several
 * instances sharing one inbox exactly one wins the rename, the others find the file gone and skip
 * it. The claimed file is then moved on by this class: to {@code processed/} once stored, to
 * {@code rejected/} (with a sibling {@code .reason.json} OperationOutcome) when refused, when it is
 * a symbolic link or not a regular file, when it is over the size limit, or when it failed
 * {@code bridge.intake.file-max-attempts} times. When the database is unreachable it goes back to
 * the inbox and is tried again on a later poll, without limit.
 */
@Component("fileDropIntake")
public class FileDropIntake {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(ZoneOffset.UTC);

    /** A claim older than this was left by an instance that died mid-file: the file goes back. */
    static final Duration CLAIM_LEASE = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(FileDropIntake.class);

    private final DocumentIntake intake;
    private final IntakeProperties properties;
    private final FhirContext fhir;
    private final Clock clock;
    /** Distinguishes this instance's claims from another's in the shared {@code claimed/} directory. */
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    /** Failed tries per dropped file (name, size, modification time), for the bound on retries. */
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    private final IntakeChannel channel;

    FileDropIntake(
            DocumentIntake intake, IntakeChannel channel, IntakeProperties properties, FhirContext fhir, Clock clock) {
        this.intake = intake;
        this.channel = channel;
        this.properties = properties;
        this.fhir = fhir;
        this.clock = clock;
    }

    public void accept(Exchange exchange) {
        accept(exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class));
    }

    /** Takes one file of the inbox by name; returns where it went, or empty if another instance has it. */
    java.util.Optional<Path> accept(String fileName) {
        returnStaleClaims();
        Path dropped = properties.inbox().resolve(fileName);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dropped, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attributes of a dropped file", e);
        }
        String stamped = stamped(fileName);
        String failureKey = fileName + "|" + attributes.size() + "|"
                + attributes.lastModifiedTime().toMillis();
        Path claimed = properties.inbox().resolve("claimed").resolve(stamped + "." + instance);
        try {
            Files.createDirectories(claimed.getParent());
            Files.move(dropped, claimed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException lostTheRace) {
            log.debug("dropped file taken by another instance");
            return java.util.Optional.empty();
        } catch (AtomicMoveNotSupportedException e) {
            throw new IllegalStateException("bridge.intake.inbox must be on a file system with atomic rename", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim a dropped file", e);
        }
        if (attributes.isSymbolicLink() || !attributes.isRegularFile()) {
            return java.util.Optional.of(
                    reject(
                            claimed,
                            stamped,
                            400,
                            new Problem(
                                    IssueType.SECURITY,
                                    "$",
                                    "not a regular file (symbolic link, directory, pipe or device): only plain files are read")));
        }
        if (attributes.size() > properties.maxDocumentBytes()) {
            IntakeResult tooLarge = intake.tooLarge(attributes.size(), "file");
            return java.util.Optional.of(reject(claimed, stamped, (IntakeResult.Refused) tooLarge));
        }
        try {
            IntakeResult result = channel.submit(readBounded(claimed), "file", null);
            failures.remove(failureKey);
            if (result instanceof IntakeResult.Accepted accepted) {
                Path processed = moveInto("processed", claimed, stamped);
                log.info("file-drop document stored as {}", accepted.trackingId());
                return java.util.Optional.of(processed);
            }
            return java.util.Optional.of(reject(claimed, stamped, (IntakeResult.Refused) result));
        } catch (DataAccessException | TransactionException storeDown) {
            // Not the file's fault: back to the inbox, tried again on a later poll, without limit.
            putBack(claimed, dropped);
            throw storeDown;
        } catch (RuntimeException e) {
            int tries = failures.merge(failureKey, 1, Integer::sum);
            if (tries >= properties.fileMaxAttempts()) {
                failures.remove(failureKey);
                log.warn(
                        "dropped file failed {} times ({}); moved to rejected/",
                        tries,
                        e.getClass().getSimpleName());
                return java.util.Optional.of(reject(
                        claimed,
                        stamped,
                        500,
                        new Problem(
                                IssueType.EXCEPTION,
                                "$",
                                "processing failed " + tries + " times; the bridge's log has the cause at this time")));
            }
            putBack(claimed, dropped);
            throw e;
        }
    }

    private byte[] readBounded(Path file) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return intake.readBounded(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a claimed file", e);
        }
    }

    private Path reject(Path claimed, String stamped, IntakeResult.Refused refused) {
        return reject(claimed, stamped, refused.httpStatus(), refused);
    }

    private Path reject(Path claimed, String stamped, int status, Problem problem) {
        return reject(claimed, stamped, status, new IntakeResult.Refused(status, Problem.outcome(List.of(problem))));
    }

    private Path reject(Path claimed, String stamped, int status, IntakeResult.Refused refused) {
        writeReason(stamped, fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(refused.outcome()));
        Path rejected = moveInto("rejected", claimed, stamped);
        log.warn("file-drop document refused (HTTP-equivalent {}); reason written beside it in rejected/", status);
        return rejected;
    }

    private Path moveInto(String directory, Path claimed, String stamped) {
        Path target = properties.inbox().resolve(directory).resolve(stamped);
        try {
            Files.createDirectories(target.getParent());
            return Files.move(claimed, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move a claimed file into " + directory + "/", e);
        }
    }

    private void putBack(Path claimed, Path dropped) {
        try {
            Files.move(claimed, dropped, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("a claimed file could not go back to the inbox; it returns after the claim lease");
        }
    }

    /** Files an instance claimed and never moved on (it died): back to the inbox after the lease. */
    private void returnStaleClaims() {
        Path claimedDir = properties.inbox().resolve("claimed");
        if (!Files.isDirectory(claimedDir)) {
            return;
        }
        Instant staleBefore = clock.instant().minus(CLAIM_LEASE);
        try (Stream<Path> claims = Files.list(claimedDir)) {
            for (Path claim : claims.toList()) {
                BasicFileAttributes a =
                        Files.readAttributes(claim, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                // A rename keeps the modification time, so the claim time is in the name: stamp.instance.
                String name = claim.getFileName().toString();
                Instant claimedAt = claimTime(name);
                if (claimedAt != null && claimedAt.isBefore(staleBefore) && a != null) {
                    String original = name.substring(0, name.lastIndexOf('.'));
                    Files.move(claim, properties.inbox().resolve(original), StandardCopyOption.ATOMIC_MOVE);
                    log.warn("a stale file-drop claim returned to the inbox");
                }
            }
        } catch (IOException e) {
            log.debug("stale claims not swept this time: {}", e.getClass().getSimpleName());
        }
    }

    /** {@code base.yyyyMMddTHHmmssSSS.json.instance} → the stamp, or null if not ours. */
    private static Instant claimTime(String claimName) {
        String[] parts = claimName.split("\\.");
        if (parts.length < 4) {
            return null;
        }
        try {
            return STAMP.parse(parts[parts.length - 3], Instant::from);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** A timestamp keeps a re-dropped file of the same name from overwriting the earlier one. */
    private String stamped(String fileName) {
        String base = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return base + "." + STAMP.format(clock.instant()) + ".json";
    }

    private void writeReason(String stampedName, String outcome) {
        Path rejected = properties.inbox().resolve("rejected");
        Path reason = rejected.resolve(stampedName.substring(0, stampedName.length() - 5) + ".reason.json");
        try {
            Files.createDirectories(rejected);
            Path tmp = Files.createTempFile(rejected, ".reason", ".tmp");
            Files.writeString(tmp, outcome, StandardCharsets.UTF_8);
            Files.move(tmp, reason, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // The claimed file stays in claimed/ and returns after the lease: nothing moves to rejected/ without its
            // reason.
            throw new UncheckedIOException("cannot write rejection reason in " + rejected, e);
        }
    }
}
