package org.annulus.bridge.audit;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /audit/trace?documentId=…} (bridge.audit): the trace as a page a person reads. Bearer tokens
 * only, like the API: a browser reaches it through a proxy or an extension that sets the
 * {@code Authorization} header; there are no cookies or sessions.
 */
@RestController
class TracePageController {

    private final TraceAssembly traces;
    private final FhirContext fhir;

    TracePageController(TraceAssembly traces, FhirContext fhir) {
        this.traces = traces;
        this.fhir = fhir;
    }

    @GetMapping("/audit/trace")
    ResponseEntity<String> page(@RequestParam(required = false) String documentId) {
        if (documentId == null
                || !TraceController.DOCUMENT_ID.matcher(documentId).matches()) {
            return refuse(422, OperationOutcome.IssueType.VALUE, "a documentId (1-64 of A-Za-z0-9._-) is required");
        }
        return traces.ofDocument(documentId)
                .map(trace -> ResponseEntity.ok()
                        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                        // PHI-adjacent: never cached by a browser or a proxy; no script, no frames
                        .cacheControl(CacheControl.noStore())
                        .header(
                                "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'")
                        .body(TraceHtml.render(trace)))
                .orElseGet(() -> refuse(404, OperationOutcome.IssueType.NOTFOUND, "nothing the bridge stored matches"));
    }

    private ResponseEntity<String> refuse(int status, OperationOutcome.IssueType type, String why) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(type)
                .setDiagnostics(why)
                .addExpression("documentId");
        return ResponseEntity.status(status)
                .contentType(TraceController.FHIR_JSON)
                .body(fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(outcome));
    }
}
