package org.annulus.bridge.audit;

import ca.uhn.fhir.context.FhirContext;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annulus.bridge.security.Caller;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/trace}: the chain of a document, a tracked version or an EHR resource (bridge.audit or bridge.operate). */
@RestController
class TraceController {

    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");
    /** FHIR R4 resource type and id (id: 1-64 of A-Za-z0-9-.), optionally with a version. */
    static final Pattern RESOURCE =
            Pattern.compile("([A-Z][A-Za-z]{1,63})/([A-Za-z0-9.-]{1,64})(/_history/[A-Za-z0-9.-]{1,64})?");

    static final Pattern DOCUMENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Pattern TRACKING_ID = Pattern.compile("[A-Za-z0-9-]{1,36}");

    private final TraceAssembly traces;
    private final FhirContext fhir;

    TraceController(TraceAssembly traces, FhirContext fhir) {
        this.traces = traces;
        this.fhir = fhir;
    }

    @GetMapping(path = "/api/v1/trace", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> trace(
            @RequestParam(required = false) String documentId,
            @RequestParam(required = false) String trackingId,
            @RequestParam(required = false) String resource,
            Caller caller) {
        Map<String, String> given = new java.util.LinkedHashMap<>();
        if (documentId != null) given.put("documentId", documentId);
        if (trackingId != null) given.put("trackingId", trackingId);
        if (resource != null) given.put("resource", resource);
        if (given.size() != 1) {
            return refuse(
                    422,
                    OperationOutcome.IssueType.REQUIRED,
                    "documentId",
                    "exactly one of documentId, trackingId or resource (e.g. Condition/123) is required");
        }
        Optional<Trace> trace;
        if (documentId != null) {
            if (!DOCUMENT_ID.matcher(documentId).matches()) {
                return refuse(
                        422, OperationOutcome.IssueType.VALUE, "documentId", "a documentId is 1-64 of A-Za-z0-9._-");
            }
            trace = traces.ofDocument(documentId);
        } else if (trackingId != null) {
            if (!TRACKING_ID.matcher(trackingId).matches()) {
                return refuse(422, OperationOutcome.IssueType.VALUE, "trackingId", "a tracking id is a UUID");
            }
            trace = traces.ofTracking(trackingId);
        } else {
            Matcher m = RESOURCE.matcher(resource);
            if (!m.matches()) {
                return refuse(
                        422,
                        OperationOutcome.IssueType.VALUE,
                        "resource",
                        "a resource is Type/id or Type/id/_history/version, e.g. Condition/123");
            }
            trace = traces.ofResource(m.group(1), m.group(2));
        }
        return trace.<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> refuse(
                        404,
                        OperationOutcome.IssueType.NOTFOUND,
                        given.keySet().iterator().next(),
                        "nothing the bridge stored matches"));
    }

    private ResponseEntity<String> refuse(int status, OperationOutcome.IssueType type, String parameter, String why) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(type)
                .setDiagnostics(why)
                .addExpression(parameter);
        return ResponseEntity.status(status)
                .contentType(FHIR_JSON)
                .body(fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(outcome));
    }
}
