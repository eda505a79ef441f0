package org.annulus.bridge.intake;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.outbox.Outbox;
import org.annulus.bridge.outcome.Problem;
import org.annulus.bridge.security.Caller;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The ingest API: submit a document, follow it, read the contract. */
@RestController
@RequestMapping("/api/v1")
class DocumentController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType(Problem.FHIR_JSON);

    private final DocumentIntake intake;
    private final Outbox outbox;
    private final DocumentSchemas schemas;
    private final FhirContext fhir;

    private final IntakeProperties properties;
    private final IntakeChannel channel;

    DocumentController(
            DocumentIntake intake,
            IntakeChannel channel,
            Outbox outbox,
            DocumentSchemas schemas,
            FhirContext fhir,
            IntakeProperties properties) {
        this.intake = intake;
        this.channel = channel;
        this.properties = properties;
        this.outbox = outbox;
        this.schemas = schemas;
        this.fhir = fhir;
    }

    @PostMapping(path = "/documents", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> submit(HttpServletRequest request, Caller caller) throws IOException {
        // Refused from the headers when declared too large, else read no further than the limit
        // (chunked bodies included): an oversized body is never read whole.
        long declared = request.getContentLengthLong();
        byte[] body = declared > properties.maxDocumentBytes() ? null : intake.readBounded(request.getInputStream());
        IntakeResult result =
                body == null ? intake.tooLarge(declared, "api") : channel.submit(body, "api", caller.clientId());
        if (result instanceof IntakeResult.Accepted accepted) {
            URI location = URI.create("/api/v1/documents/" + accepted.trackingId());
            return ResponseEntity.status(accepted.duplicate() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                    .location(location)
                    .body(Map.of(
                            "trackingId",
                            accepted.trackingId(),
                            "duplicate",
                            accepted.duplicate(),
                            "tracking",
                            location.toString()));
        }
        IntakeResult.Refused refused = (IntakeResult.Refused) result;
        return outcome(refused.httpStatus(), refused.outcome());
    }

    @GetMapping("/documents/{trackingId}")
    ResponseEntity<?> track(@PathVariable String trackingId, Caller caller) {
        // Another client's document is answered like an unknown one: its existence is not told.
        return outbox.find(trackingId)
                .filter(doc -> caller.maySee(doc.submitter()))
                .<ResponseEntity<?>>map(doc -> ResponseEntity.ok(TrackingView.of(doc, caller.seesEveryDocument())))
                .orElseGet(() -> outcome(
                        404,
                        Problem.outcome(java.util.List.of(new Problem(
                                IssueType.NOTFOUND, null, "no document with tracking id " + sanitized(trackingId))))));
    }

    /** The newest contract version's schema of a kind. */
    @GetMapping(path = "/schemas/{kind}", produces = "application/schema+json")
    ResponseEntity<?> schema(@PathVariable String kind) {
        return DocumentKind.fromCode(kind)
                .<ResponseEntity<?>>map(k -> schemaBody(schemas.source(k)))
                .orElseGet(this::noSuchSchema);
    }

    /** The schema of one contract version ("1", "1.1"): what a clinic system built against it needs. */
    @GetMapping(path = "/schemas/{kind}/{schemaVersion}", produces = "application/schema+json")
    ResponseEntity<?> schema(@PathVariable String kind, @PathVariable String schemaVersion) {
        return DocumentKind.fromCode(kind)
                .flatMap(k -> schemas.source(k, schemaVersion))
                .<ResponseEntity<?>>map(DocumentController::schemaBody)
                .orElseGet(this::noSuchSchema);
    }

    private static ResponseEntity<?> schemaBody(byte[] source) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/schema+json"))
                .body(source);
    }

    private ResponseEntity<?> noSuchSchema() {
        return outcome(
                404,
                Problem.outcome(java.util.List.of(new Problem(
                        IssueType.NOTFOUND,
                        null,
                        "no schema for that kind and version; kinds: candidacy-assessment, procedure-note, recovery-milestone;"
                                + " versions: " + String.join(", ", DocumentSchemas.VERSIONS)))));
    }

    private ResponseEntity<String> outcome(int status, OperationOutcome outcome) {
        return ResponseEntity.status(status)
                .contentType(FHIR_JSON)
                .body(fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(outcome));
    }

    private static String sanitized(String id) {
        return id.replaceAll("[^A-Za-z0-9-]", "?");
    }
}
