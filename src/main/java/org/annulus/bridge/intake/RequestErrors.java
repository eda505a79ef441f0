package org.annulus.bridge.intake;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Requests Spring MVC refuses before any controller runs (wrong content type or method). Global on
 * purpose: such a request has no handler yet, so a controller's own exception handler never sees it,
 * and the answer would otherwise be Spring's JSON error page instead of an OperationOutcome.
 */
@RestControllerAdvice
class RequestErrors {

    private final FhirContext fhir;

    RequestErrors(FhirContext fhir) {
        this.fhir = fhir;
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<String> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        return outcome(415, IssueType.NOTSUPPORTED, "send the document as Content-Type: application/json");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<String> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        return outcome(405, IssueType.NOTSUPPORTED, "method not allowed here; allowed: " + e.getSupportedHttpMethods());
    }

    private ResponseEntity<String> outcome(int status, IssueType type, String diagnostics) {
        return ResponseEntity.status(status)
                .contentType(DocumentController.FHIR_JSON)
                .body(fhir.newJsonParser()
                        .setPrettyPrint(true)
                        .encodeResourceToString(Problem.outcome(List.of(new Problem(type, null, diagnostics)))));
    }
}
