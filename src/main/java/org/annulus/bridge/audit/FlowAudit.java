package org.annulus.bridge.audit;

import ca.uhn.fhir.context.FhirContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.annulus.bridge.ehr.EhrExchange;
import org.annulus.bridge.ehr.ProvenanceWritten;
import org.annulus.bridge.smart.TokenRequested;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Listens to the flow's exchanges and appends one BALP AuditEvent for each. A failing append is logged
 * (without PHI) and does not fail the exchange it records.
 */
@Component
class FlowAudit {

    private static final Logger log = LoggerFactory.getLogger(FlowAudit.class);

    private final AuditLog auditLog;
    private final FhirContext fhir;

    FlowAudit(AuditLog auditLog, FhirContext fhir) {
        this.auditLog = auditLog;
        this.fhir = fhir;
    }

    @EventListener
    void onEhrExchange(EhrExchange exchange) {
        if ("capabilities".equals(exchange.interaction())) {
            return; // the CapabilityStatement holds no PHI: not an exchange of patient data
        }
        AuditEvent event = BalpEvents.rest(exchange.interaction(), exchange.at(), exchange.status());
        BalpEvents.client(event, null, true);
        BalpEvents.server(event, exchange.baseUrl(), false);
        String patient = patient(exchange);
        if (patient != null) {
            BalpEvents.patient(event, patient);
        }
        if (exchange.resourceType() != null
                && exchange.resourceId() != null
                && !"Patient".equals(exchange.resourceType())) {
            BalpEvents.resource(
                    event,
                    exchange.resourceType() + "/" + exchange.resourceId()
                            + (exchange.version() != null ? "/_history/" + exchange.version() : ""));
        }
        if (exchange.query() != null) {
            BalpEvents.query(
                    event, (exchange.resourceType() == null ? "" : exchange.resourceType()) + "?" + exchange.query());
        }
        append(event, patient, null);
    }

    /** The Provenance of a send as the EHR accepted it: exported beside the AuditEvents (BALP + US Core). */
    @EventListener
    void onProvenance(ProvenanceWritten written) {
        try {
            auditLog.append(new AuditLog.Entry(
                    AuditLog.PROVENANCE, written.patient(), written.trackingId(), written.provenance()));
        } catch (RuntimeException e) {
            log.error("audit: appending a Provenance failed ({})", e.getClass().getSimpleName());
        }
    }

    @EventListener
    void onTokenRequest(TokenRequested request) {
        AuditEvent event = BalpEvents.login(request.at(), request.success(), request.problem());
        BalpEvents.client(event, request.clientId(), true);
        BalpEvents.server(event, request.tokenEndpoint().toString(), false);
        append(event, null, null);
    }

    void append(AuditEvent event, String patient, String trackingId) {
        try {
            auditLog.append(new AuditLog.Entry(
                    AuditLog.AUDIT_EVENT,
                    patient,
                    trackingId,
                    fhir.newJsonParser().encodeResourceToString(event)));
        } catch (RuntimeException e) {
            log.error("audit: appending an AuditEvent failed ({})", e.getClass().getSimpleName());
        }
    }

    /** The patient the exchange concerns, where the request names it. */
    static String patient(EhrExchange exchange) {
        if ("Patient".equals(exchange.resourceType()) && exchange.resourceId() != null) {
            return "Patient/" + exchange.resourceId();
        }
        if (exchange.query() == null) {
            return null;
        }
        for (String pair : exchange.query().split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.equals("patient") || name.equals("subject") || name.equals("subject:Patient")) {
                return value.startsWith("Patient/") ? value : "Patient/" + value;
            }
        }
        return null;
    }
}
