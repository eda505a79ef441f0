package org.annulus.bridge.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * AuditEvents after IHE Basic Audit Log Patterns (BALP 1.1): RESTful interactions as type {@code rest}
 * with the restful-interaction subtype; the client is the Source Role ID agent (DCM 110153), the server
 * the Destination Role ID (DCM 110152); entities typed by audit-entity-type and object-role. A token
 * request is DICOM "User Authentication" (110114) / "Login" (110122). Sources: docs/terminology-sources.md.
 */
final class BalpEvents {

    static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String CLIENT_SYSTEM = "http://annulus.org/fhir/sid/oauth-client";
    static final String TRACKING_SYSTEM = "http://annulus.org/fhir/sid/tracking-id";
    static final String MODULE = "Annulus Bridge";

    private BalpEvents() {}

    /** A RESTful interaction; {@code client} / {@code server} are filled in by the caller. */
    static AuditEvent rest(String interaction, Instant at, int status) {
        AuditEvent event = new AuditEvent();
        event.setType(new Coding(EVENT_TYPE, "rest", "Restful Operation"));
        event.addSubtype(new Coding(INTERACTION, interaction, interaction));
        event.setAction(action(interaction));
        event.setRecorded(Date.from(at));
        event.setOutcome(outcome(status));
        if (status >= 400) {
            event.setOutcomeDesc("HTTP " + status);
        }
        source(event);
        return event;
    }

    /** A token request to an authorization server (BALP has no profile for it: DICOM Login). */
    static AuditEvent login(Instant at, boolean success, String problem) {
        AuditEvent event = new AuditEvent();
        event.setType(new Coding(DCM, "110114", "User Authentication"));
        event.addSubtype(new Coding(DCM, "110122", "Login"));
        event.setAction(AuditEventAction.E);
        event.setRecorded(Date.from(at));
        event.setOutcome(success ? AuditEventOutcome._0 : AuditEventOutcome._4);
        if (problem != null) {
            event.setOutcomeDesc(problem);
        }
        source(event);
        return event;
    }

    static void client(AuditEvent event, String clientId, boolean us) {
        AuditEvent.AuditEventAgentComponent agent = event.addAgent()
                .setType(new CodeableConcept(new Coding(DCM, "110153", "Source Role ID")))
                .setRequestor(true);
        Reference who = new Reference()
                .setIdentifier(
                        new Identifier().setSystem(CLIENT_SYSTEM).setValue(clientId == null ? "anonymous" : clientId));
        agent.setWho(us ? who.setDisplay(MODULE) : who);
    }

    static void server(AuditEvent event, String address, boolean us) {
        AuditEvent.AuditEventAgentComponent agent = event.addAgent()
                .setType(new CodeableConcept(new Coding(DCM, "110152", "Destination Role ID")))
                .setRequestor(false);
        agent.setWho(new Reference().setDisplay(us ? MODULE : address));
        if (address != null) {
            agent.getNetwork().setAddress(address).setType(AuditEvent.AuditEventAgentNetworkType._5);
        }
    }

    static void patient(AuditEvent event, String patientReference) {
        event.addEntity()
                .setWhat(new Reference(patientReference))
                .setType(new Coding(ENTITY_TYPE, "1", "Person"))
                .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    }

    static void resource(AuditEvent event, String reference) {
        event.addEntity()
                .setWhat(new Reference(reference))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }

    static void document(AuditEvent event, String trackingId) {
        event.addEntity()
                .setWhat(new Reference()
                        .setIdentifier(
                                new Identifier().setSystem(TRACKING_SYSTEM).setValue(trackingId)))
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }

    /** The query as sent (it may hold an MRN: kept here, in the audit store, and nowhere else). */
    static void query(AuditEvent event, String query) {
        event.addEntity()
                .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
                .setRole(new Coding(OBJECT_ROLE, "24", "Query"))
                .setQuery(query.getBytes(StandardCharsets.UTF_8));
    }

    private static void source(AuditEvent event) {
        event.getSource()
                .setObserver(new Reference().setDisplay(MODULE))
                .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
    }

    private static AuditEventAction action(String interaction) {
        return switch (interaction) {
            case "create" -> AuditEventAction.C;
            case "update", "patch" -> AuditEventAction.U;
            case "delete" -> AuditEventAction.D;
            case "read", "vread" -> AuditEventAction.R;
            default -> AuditEventAction.E; // search, transaction, capabilities, operations
        };
    }

    private static AuditEventOutcome outcome(int status) {
        if (status < 400) {
            return AuditEventOutcome._0;
        }
        return status < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8;
    }
}
