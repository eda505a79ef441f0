package org.annulus.bridge.intake;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The file-drop channel, called by the {@code intake-file-drop} route for each {@code *.json} in the
 * inbox. It tells the route where to move the file: {@code processed/} once stored,
 * {@code rejected/} (with a sibling {@code .reason.json} OperationOutcome) when refused. A failure
 * to store (database down) throws, and the route leaves the file in place to be tried again.
 */
@Component("fileDropIntake")
public class FileDropIntake {

    /** Header the route's {@code move} option reads: the file's destination relative to the inbox. */
    public static final String MOVE_TO = "BridgeMoveTo";

    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS").withZone(java.time.ZoneOffset.UTC);

    private static final Logger log = LoggerFactory.getLogger(FileDropIntake.class);

    private final DocumentIntake intake;
    private final IntakeProperties properties;
    private final FhirContext fhir;

    FileDropIntake(DocumentIntake intake, IntakeProperties properties, FhirContext fhir) {
        this.intake = intake;
        this.properties = properties;
        this.fhir = fhir;
    }

    public void accept(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        String fileName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        IntakeResult result = intake.accept(body, "file");
        String stamped = stamped(fileName);
        if (result instanceof IntakeResult.Accepted accepted) {
            exchange.getMessage().setHeader(MOVE_TO, "processed/" + stamped);
            exchange.getMessage().setHeader("BridgeTrackingId", accepted.trackingId());
            return;
        }
        IntakeResult.Refused refused = (IntakeResult.Refused) result;
        writeReason(stamped, fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(refused.outcome()));
        exchange.getMessage().setHeader(MOVE_TO, "rejected/" + stamped);
        log.warn("file-drop document refused (HTTP-equivalent {}); reason written beside it in rejected/",
                refused.httpStatus());
    }

    /** A timestamp keeps a re-dropped file of the same name from overwriting the earlier one. */
    private static String stamped(String fileName) {
        String base = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return base + "." + STAMP.format(java.time.Instant.now()) + ".json";
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
            // Leave the file in the inbox: nothing moves to rejected/ without its reason.
            throw new UncheckedIOException("cannot write rejection reason in " + rejected, e);
        }
    }
}
