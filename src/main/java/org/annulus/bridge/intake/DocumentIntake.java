package org.annulus.bridge.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.outbox.AcceptResult;
import org.annulus.bridge.outbox.NewDocument;
import org.annulus.bridge.outbox.Outbox;
import org.annulus.bridge.outcome.Problem;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The one way in for documents, whatever the channel: checks a submission against contract v1 and
 * hands it to the outbox. A document that passes is stored before this returns; one that fails is
 * refused with every problem named by path.
 */
@Service
public class DocumentIntake {

    private static final Logger log = LoggerFactory.getLogger(DocumentIntake.class);

    private final DocumentSchemas schemas;
    private final Outbox outbox;
    private final IntakeProperties properties;
    private final MeterRegistry meters;
    private final DocumentReader reader = new DocumentReader();
    private final Clock clock;
    private final ObjectMapper json = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Contract v1 documents nest 5 levels deep; anything far deeper is an attack, not a document. */
    static final int MAX_NESTING_DEPTH = 16;
    /** Digits (sign, point, exponent included) of one JSON number; the contract's largest is a version. */
    static final int MAX_NUMBER_LENGTH = 24;
    /** Field names of the contract are short. */
    static final int MAX_NAME_LENGTH = 128;

    DocumentIntake(
            DocumentSchemas schemas, Outbox outbox, IntakeProperties properties, MeterRegistry meters, Clock clock) {
        this.schemas = schemas;
        this.outbox = outbox;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Reads at most the document limit plus one byte from a stream: a body over the limit is
     * refused from what was read so far, never read whole first.
     */
    public byte[] readBounded(InputStream in) throws IOException {
        return in.readNBytes(properties.maxDocumentBytes() + 1);
    }

    public IntakeResult accept(byte[] body, String source) {
        return accept(body, source, null);
    }

    /** As {@link #accept(byte[], String)}, remembering the API client that sent it. */
    public IntakeResult accept(byte[] body, String source, String submitter) {
        IntakeResult result = check(body, source, submitter);
        count(result, source);
        return result;
    }

    /**
     * The {@code intake} route's step (camel-routes/intake.yaml): the raw body and the exchange
     * headers {@code bridgeSource} and {@code bridgeSubmitter}; the answer becomes the out body.
     */
    public IntakeResult checkAndStore(
            @Body byte[] body,
            @Header(IntakeChannel.SOURCE) String source,
            @Header(IntakeChannel.SUBMITTER) String submitter) {
        return accept(body, source, submitter);
    }

    private void count(IntakeResult result, String source) {
        meters.counter(
                        "bridge.intake.documents",
                        "source",
                        source,
                        "result",
                        result instanceof IntakeResult.Accepted a
                                ? (a.duplicate() ? "duplicate" : "accepted")
                                : String.valueOf(((IntakeResult.Refused) result).httpStatus()))
                .increment();
    }

    /** A body refused for its declared size before any of it was read. */
    public IntakeResult tooLarge(long declaredBytes, String source) {
        IntakeResult result = refused(413, tooLargeProblem(declaredBytes + " bytes"));
        count(result, source);
        return result;
    }

    private Problem tooLargeProblem(String size) {
        return new Problem(
                IssueType.TOOCOSTLY,
                "$",
                "document is " + size + "; the limit is " + properties.maxDocumentBytes() + " bytes");
    }

    private IntakeResult check(byte[] body, String source, String submitter) {
        if (body == null || body.length == 0) {
            return refused(400, new Problem(IssueType.STRUCTURE, "$", "empty body: send one JSON document"));
        }
        if (body.length > properties.maxDocumentBytes()) {
            // Read no further than the limit: how much larger it is, nobody knows.
            return refused(413, tooLargeProblem("over the limit"));
        }
        if (startsWithBom(body)) {
            // RFC 8259 lets a parser ignore a UTF-8 byte-order mark. We drop it here, before the
            // hash and the stored copy, so what is stored always parses again later.
            body = Arrays.copyOfRange(body, UTF8_BOM.length, body.length);
            if (startsWithBom(body)) {
                // Jackson would skip this one too and store it; the stored copy would not parse again.
                return refused(400, new Problem(IssueType.STRUCTURE, "$", "more than one byte-order mark"));
            }
        }
        if (!isUtf8(body)) {
            return refused(
                    400, new Problem(IssueType.STRUCTURE, "$", "the body is not UTF-8 (RFC 8259: JSON is UTF-8)"));
        }
        JsonNode tree;
        try (JsonParser parser = json.createParser(body)) {
            try {
                tree = json.readTree(parser);
            } catch (StreamConstraintsException e) {
                // Beyond a parser limit: which one, and where; never Jackson's message (it can quote input).
                return refused(
                        400,
                        new Problem(
                                IssueType.TOOCOSTLY,
                                limitPath(parser.getParsingContext()),
                                "beyond the parser's limits (nesting at most " + MAX_NESTING_DEPTH
                                        + " levels, numbers at most " + MAX_NUMBER_LENGTH
                                        + " characters, field names at most " + MAX_NAME_LENGTH + ")"));
            } catch (JsonProcessingException e) {
                // Jackson's own message may quote the document; only the location goes back.
                JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
                return refused(
                        400,
                        new Problem(
                                IssueType.STRUCTURE,
                                "$",
                                "malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()));
            }
        } catch (IOException e) {
            return refused(400, new Problem(IssueType.STRUCTURE, "$", "unreadable body"));
        }
        if (tree == null || !tree.isObject()) {
            return refused(422, new Problem(IssueType.STRUCTURE, "$", "a document is a JSON object"));
        }
        Optional<DocumentKind> kind = DocumentKind.fromCode(tree.path("kind").asText(""));
        if (kind.isEmpty()) {
            return refused(
                    422,
                    new Problem(
                            tree.has("kind") ? IssueType.VALUE : IssueType.REQUIRED,
                            "$.kind",
                            "kind must be one of candidacy-assessment, procedure-note, recovery-milestone"));
        }
        List<Problem> problems = new ArrayList<>(schemas.check(kind.get(), tree));
        problems.addAll(TextRules.check(tree));
        if (!problems.isEmpty()) {
            return refused(422, problems);
        }
        ClinicalDocument document;
        try {
            document = reader.read(tree);
        } catch (DocumentReader.UnreadableDocument e) {
            // The schema let it through but the model cannot hold it (a leap second, a version past
            // the store's integer): refused here, so nothing is accepted that mapping would later REJECT.
            return refused(422, new Problem(IssueType.VALUE, e.path(), "value cannot be represented: " + e.reason()));
        }
        problems = DocumentRules.check(document, OffsetDateTime.now(clock), properties.clockSkew());
        if (!problems.isEmpty()) {
            return refused(422, problems);
        }
        return store(document, body, source, submitter);
    }

    private IntakeResult store(ClinicalDocument document, byte[] body, String source, String submitter) {
        NewDocument doc = new NewDocument(
                document.kind(),
                document.documentId(),
                document.version(),
                document.status(),
                document.patient().mrnToken(),
                document.clinicalTime(),
                document.relatedDocumentId(),
                source,
                sha256(body),
                new String(body, StandardCharsets.UTF_8),
                submitter);
        AcceptResult result = outbox.accept(doc);
        if (result instanceof AcceptResult.PatientConflict) {
            return refused(
                    409,
                    new Problem(
                            IssueType.CONFLICT,
                            "$.patient",
                            "this documentId was first accepted for "
                                    + "another patient (MRN and MRN system differ); a document stays with its patient: retract it "
                                    + "(status entered-in-error, same patient) and send the correct patient's document under a new documentId"));
        }
        if (result instanceof AcceptResult.VersionConflict) {
            return refused(
                    409,
                    new Problem(
                            IssueType.CONFLICT,
                            "$.version",
                            "version " + document.version()
                                    + " of this document was already accepted with different content; send it as a higher version"));
        }
        boolean duplicate = result instanceof AcceptResult.AlreadyAccepted;
        log.info(
                "{} {} via {} as {}",
                duplicate ? "re-received" : "accepted",
                document.kind().code(),
                source,
                result.trackingId());
        return new IntakeResult.Accepted(result.trackingId(), duplicate);
    }

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private static boolean startsWithBom(byte[] body) {
        return body.length >= 3 && body[0] == UTF8_BOM[0] && body[1] == UTF8_BOM[1] && body[2] == UTF8_BOM[2];
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The JSONPath of where the parser stopped, up to the nesting limit (deeper paths say nothing more). */
    private static String limitPath(JsonStreamContext context) {
        java.util.Deque<String> steps = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                steps.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.getCurrentName() != null) {
                steps.push("." + c.getCurrentName());
            }
        }
        if (steps.size() >= MAX_NESTING_DEPTH - 1) {
            return "$"; // too deep: a path that long says nothing more than "the document"
        }
        return "$" + String.join("", steps);
    }

    static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static IntakeResult refused(int status, Problem problem) {
        return refused(status, List.of(problem));
    }

    private static IntakeResult refused(int status, List<Problem> problems) {
        return new IntakeResult.Refused(status, Problem.outcome(problems));
    }
}
