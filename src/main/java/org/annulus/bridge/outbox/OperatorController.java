package org.annulus.bridge.outbox;

import ca.uhn.fhir.context.FhirContext;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What an operator can do with a parked document: choose its patient, run it again, or let its patient's later documents pass. */
@RestController
@RequestMapping("/api/v1/documents")
class OperatorController {

    private static final Set<DocumentState> REPLAYABLE =
            EnumSet.of(DocumentState.DEAD, DocumentState.AWAITING_PATIENT_MATCH, DocumentState.REJECTED);

    private final Outbox outbox;
    private final FhirContext fhir;

    OperatorController(Outbox outbox, FhirContext fhir) {
        this.outbox = outbox;
        this.fhir = fhir;
    }

    /** Body: {@code {"patientId": "123"}} (or {@code "Patient/123"}), the EHR's Patient id. */
    @PostMapping("/{trackingId}/patient")
    ResponseEntity<?> choosePatient(
            @PathVariable String trackingId, @RequestBody(required = false) Map<String, String> body) {
        String patientId = body == null ? null : body.get("patientId");
        if (patientId == null || !patientId.matches("(Patient/)?[A-Za-z0-9\\-.]{1,64}")) {
            return problem(
                    422,
                    OperationOutcome.IssueType.REQUIRED,
                    "$.patientId",
                    "give the EHR Patient id as {\"patientId\": \"...\"}");
        }
        return answer(outbox.choosePatient(trackingId, patientId.replaceFirst("^Patient/", "")), trackingId);
    }

    /**
     * Resolves a CONFLICT or NEEDS_REVIEW document. Body: {@code {"resolution": "overwrite"}},
     * {@code "keep-ehr"} or {@code "handled"} (README, "Conflicts and reviews").
     */
    @PostMapping("/{trackingId}/resolve")
    ResponseEntity<?> resolve(
            @PathVariable String trackingId, @RequestBody(required = false) Map<String, String> body) {
        String given = body == null ? null : body.get("resolution");
        Outbox.Resolution resolution = given == null
                ? null
                : switch (given) {
                    case "overwrite" -> Outbox.Resolution.OVERWRITE;
                    case "keep-ehr" -> Outbox.Resolution.KEEP_EHR;
                    case "handled" -> Outbox.Resolution.HANDLED;
                    default -> null;
                };
        if (resolution == null) {
            return problem(
                    422,
                    OperationOutcome.IssueType.VALUE,
                    "$.resolution",
                    "give {\"resolution\": \"overwrite\" | \"keep-ehr\" | \"handled\"}");
        }
        return answer(outbox.resolve(trackingId, resolution), trackingId);
    }

    /**
     * Lets the patient's later documents go past this parked document (README, "Per-patient order");
     * the document itself stays parked.
     */
    @PostMapping("/{trackingId}/release")
    ResponseEntity<?> release(@PathVariable String trackingId) {
        return answer(outbox.release(trackingId), trackingId);
    }

    @PostMapping("/{trackingId}/replay")
    ResponseEntity<?> replay(@PathVariable String trackingId) {
        return answer(outbox.replay(trackingId), trackingId);
    }

    /** Bulk replay: {@code POST /api/v1/documents/replay?state=DEAD}. */
    @PostMapping("/replay")
    ResponseEntity<?> replayAll(@RequestParam String state) {
        DocumentState parked;
        try {
            parked = DocumentState.valueOf(state);
        } catch (IllegalArgumentException e) {
            parked = null;
        }
        if (parked == null || !REPLAYABLE.contains(parked)) {
            return problem(422, OperationOutcome.IssueType.VALUE, "state", "state must be one of " + REPLAYABLE);
        }
        return ResponseEntity.ok(Map.of("state", parked.name(), "replayed", outbox.replayAll(parked)));
    }

    private ResponseEntity<?> answer(OperatorResult result, String trackingId) {
        return switch (result.status()) {
            case DONE ->
                ResponseEntity.accepted()
                        .body(Map.of("trackingId", trackingId, "tracking", "/api/v1/documents/" + trackingId));
            case NOT_FOUND -> problem(404, OperationOutcome.IssueType.NOTFOUND, null, result.message());
            case WRONG_STATE -> problem(409, OperationOutcome.IssueType.CONFLICT, null, result.message());
        };
    }

    private ResponseEntity<String> problem(int status, OperationOutcome.IssueType type, String path, String message) {
        return ResponseEntity.status(status)
                .contentType(MediaType.parseMediaType(Problem.FHIR_JSON))
                .body(new Problem(type, path, message).json(fhir));
    }
}
