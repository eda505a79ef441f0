package org.annulus.bridge.audit;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.annulus.bridge.outbox.DocumentLookup;
import org.annulus.bridge.outbox.Outbox;
import org.annulus.bridge.security.Caller;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /api/v1/audit/export} (bridge.audit): the audit trail of a period, a patient (EHR Patient
 * id or MRN) or a document, as NDJSON or a FHIR Bundle, streamed, with the chain's signed checkpoint.
 */
@RestController
class AuditExportController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/fhir+ndjson");
    private static final Pattern SYNCED_FOR = Pattern.compile(" for Patient/([A-Za-z0-9.-]{1,64})");
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");

    private final AuditExport export;
    private final DocumentLookup lookup;
    private final Outbox outbox;
    private final FhirContext fhir;

    AuditExportController(AuditExport export, DocumentLookup lookup, Outbox outbox, FhirContext fhir) {
        this.export = export;
        this.lookup = lookup;
        this.outbox = outbox;
        this.fhir = fhir;
    }

    @GetMapping("/api/v1/audit/export")
    ResponseEntity<StreamingResponseBody> export(
            @RequestParam(defaultValue = "ndjson") String format,
            @RequestParam(required = false) String patient,
            @RequestParam(required = false) String documentId,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            Caller caller) {
        AuditExport.Format chosen;
        try {
            chosen = AuditExport.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return refuse("format", "format is ndjson or bundle");
        }
        if (documentId != null
                && !TraceController.DOCUMENT_ID.matcher(documentId).matches()) {
            return refuse("documentId", "a documentId is 1-64 of A-Za-z0-9._-");
        }
        if (patient != null && (patient.isBlank() || patient.length() > 300)) {
            return refuse("patient", "patient is an EHR Patient id (Patient/123 or 123) or an MRN (system|mrn or mrn)");
        }
        Instant start;
        Instant end;
        try {
            start = from == null ? null : instant(from, false);
        } catch (DateTimeParseException e) {
            return refuse("from", "from is a date (2026-12-01) or a date-time with offset (2026-12-01T00:00:00Z)");
        }
        try {
            end = to == null ? null : instant(to, true);
        } catch (DateTimeParseException e) {
            return refuse("to", "to is a date (2026-12-01, inclusive) or a date-time with offset (exclusive)");
        }
        AuditExport.Selection selection = selection(patient, documentId, start, end);
        Optional<AuditExport.Checkpoint> checkpoint = export.checkpointNow();
        StreamingResponseBody body = out -> export.write(chosen, selection, checkpoint, out);
        return ResponseEntity.ok()
                .contentType(chosen == AuditExport.Format.NDJSON ? NDJSON : TraceController.FHIR_JSON)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"audit-export."
                                + (chosen == AuditExport.Format.NDJSON ? "ndjson" : "json") + "\"")
                .body(body);
    }

    private AuditExport.Selection selection(String patient, String documentId, Instant from, Instant to) {
        Set<String> documentTracking = documentId == null ? null : new HashSet<>(lookup.versions(documentId));
        if (patient == null) {
            return new AuditExport.Selection(documentTracking, null, null, from, to);
        }
        Set<String> tracking = new HashSet<>();
        Set<String> references = new HashSet<>();
        String ehrId = patient.startsWith("Patient/") ? patient.substring("Patient/".length()) : patient;
        if (FHIR_ID.matcher(ehrId).matches()) {
            references.add("Patient/" + ehrId);
            tracking.addAll(lookup.ofEhrPatient(ehrId));
        }
        if (!patient.startsWith("Patient/")) {
            // an MRN: its documents, and the EHR Patients they were written for
            for (String trackingId : lookup.ofMrn(patient)) {
                tracking.add(trackingId);
                outbox.find(trackingId).ifPresent(doc -> doc.history().forEach(t -> {
                    Matcher m = SYNCED_FOR.matcher(t.reason());
                    if (m.find()) {
                        references.add("Patient/" + m.group(1));
                    }
                }));
            }
        }
        return new AuditExport.Selection(documentTracking, tracking, references, from, to);
    }

    private static Instant instant(String value, boolean endOfDay) {
        if (value.length() == 10) {
            LocalDate day = LocalDate.parse(value);
            return (endOfDay ? day.plusDays(1) : day)
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant();
        }
        return OffsetDateTime.parse(value).toInstant();
    }

    /** A refusal, as a (tiny) streamed body too: Spring streams only a declared ResponseEntity of StreamingResponseBody. */
    private ResponseEntity<StreamingResponseBody> refuse(String parameter, String why) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.VALUE)
                .setDiagnostics(why)
                .addExpression(parameter);
        byte[] body = fhir.newJsonParser()
                .setPrettyPrint(true)
                .encodeResourceToString(outcome)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ResponseEntity.status(422).contentType(TraceController.FHIR_JSON).body(out -> out.write(body));
    }
}
