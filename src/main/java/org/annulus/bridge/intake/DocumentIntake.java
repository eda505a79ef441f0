package org.annulus.bridge.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentReader;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.annulus.bridge.outbox.AcceptResult;
import org.annulus.bridge.outbox.NewDocument;
import org.annulus.bridge.outbox.Outbox;
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
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    DocumentIntake(DocumentSchemas schemas, Outbox outbox, IntakeProperties properties, MeterRegistry meters) {
        this.schemas = schemas;
        this.outbox = outbox;
        this.properties = properties;
        this.meters = meters;
    }

    public IntakeResult accept(byte[] body, String source) {
        return accept(body, source, null);
    }

    /** As {@link #accept(byte[], String)}, remembering the API client that sent it. */
    public IntakeResult accept(byte[] body, String source, String submitter) {
        IntakeResult result = check(body, source, submitter);
        meters.counter("bridge.intake.documents", "source", source,
                "result", result instanceof IntakeResult.Accepted a ? (a.duplicate() ? "duplicate" : "accepted")
                        : String.valueOf(((IntakeResult.Refused) result).httpStatus())).increment();
        return result;
    }

    private IntakeResult check(byte[] body, String source, String submitter) {
        if (body == null || body.length == 0) {
            return refused(400, new Problem(IssueType.STRUCTURE, "$", "empty body: send one JSON document"));
        }
        if (body.length > properties.maxDocumentBytes()) {
            return refused(413, new Problem(IssueType.TOOCOSTLY, "$",
                    "document is " + body.length + " bytes; the limit is " + properties.maxDocumentBytes()));
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's own message may quote the document; only the location goes back.
            return refused(400, new Problem(IssueType.STRUCTURE, "$", "malformed JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            return refused(400, new Problem(IssueType.STRUCTURE, "$", "unreadable body"));
        }
        if (tree == null || !tree.isObject()) {
            return refused(422, new Problem(IssueType.STRUCTURE, "$", "a document is a JSON object"));
        }
        Optional<DocumentKind> kind = DocumentKind.fromCode(tree.path("kind").asText(""));
        if (kind.isEmpty()) {
            return refused(422, new Problem(tree.has("kind") ? IssueType.VALUE : IssueType.REQUIRED, "$.kind",
                    "kind must be one of candidacy-assessment, procedure-note, recovery-milestone"));
        }
        List<Problem> problems = schemas.check(kind.get(), tree);
        if (!problems.isEmpty()) {
            return refused(422, problems);
        }
        ClinicalDocument document = reader.read(tree);
        problems = DocumentRules.check(document);
        if (!problems.isEmpty()) {
            return refused(422, problems);
        }
        return store(document, body, source, submitter);
    }

    private IntakeResult store(ClinicalDocument document, byte[] body, String source, String submitter) {
        NewDocument doc = new NewDocument(document.kind().code(), document.documentId(), document.version(),
                statusCode(document), document.patient().mrnToken(), clinicalTime(document), relatedDocumentId(document),
                source, sha256(body),
                new String(body, StandardCharsets.UTF_8), submitter);
        AcceptResult result = outbox.accept(doc);
        if (result instanceof AcceptResult.VersionConflict) {
            return refused(409, new Problem(IssueType.CONFLICT, "$.version", "version " + document.version()
                    + " of this document was already accepted with different content; send it as a higher version"));
        }
        boolean duplicate = result instanceof AcceptResult.AlreadyAccepted;
        log.info("{} {} via {} as {}", duplicate ? "re-received" : "accepted", document.kind().code(), source,
                result.trackingId());
        return new IntakeResult.Accepted(result.trackingId(), duplicate);
    }

    private static String statusCode(ClinicalDocument document) {
        return switch (document.status()) {
            case FINAL -> "final";
            case AMENDED -> "amended";
            case ENTERED_IN_ERROR -> "entered-in-error";
        };
    }

    /** When the clinical event happened: what per-patient ordering goes by. */
    private static java.time.OffsetDateTime clinicalTime(ClinicalDocument document) {
        if (document instanceof CandidacyAssessment c) {
            return c.recordedAt();
        }
        if (document instanceof ProcedureNote p) {
            return p.start();
        }
        return ((RecoveryMilestone) document).recordedAt();
    }

    /** The document this one builds on: a procedure note's assessment, a milestone's procedure note. */
    private static String relatedDocumentId(ClinicalDocument document) {
        if (document instanceof ProcedureNote p) {
            return p.candidacyDocumentId();
        }
        if (document instanceof RecoveryMilestone m) {
            return m.procedureDocumentId();
        }
        return null;
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
