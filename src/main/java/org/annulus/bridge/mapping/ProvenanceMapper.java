package org.annulus.bridge.mapping;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.annulus.bridge.document.ClinicalDocument;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Provenance that travels with every write: what was written (targets), from which source
 * document (its identifier, version and SHA-256) and by whom (the author; this module as the
 * transmitter). Its id is derived from the tracking id, so a resend rewrites it, not adds another.
 */
final class ProvenanceMapper {

    static final String SOURCE_DOCUMENT_SYSTEM = "http://annulus.org/fhir/sid/source-document";
    private static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    /** R4's participant types have no "transmitter"; US Core 6.1.0 defines it in its own CodeSystem. */
    private static final String US_CORE_PARTICIPANT_TYPE =
            "http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type";

    private static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

    private final ClinicProperties clinic;

    ProvenanceMapper(ClinicProperties clinic) {
        this.clinic = clinic;
    }

    /** The module's version, from the jar manifest ({@code dev} when run from classes). */
    static final String MODULE_VERSION = java.util.Objects.requireNonNullElse(
            ProvenanceMapper.class.getPackage().getImplementationVersion(), "dev");

    /** v3-DataOperation: a retraction (entered-in-error) deletes what the document had written. */
    private Reference clinicOrganization() {
        return new Reference()
                .setType("Organization")
                .setIdentifier(
                        new Identifier().setSystem(clinic.organizationSystem()).setValue(clinic.organizationId()))
                .setDisplay(clinic.organizationName());
    }

    static Coding activity(ClinicalDocument doc) {
        if (doc.status() == org.annulus.bridge.document.DocumentStatus.ENTERED_IN_ERROR) {
            return new Coding(DATA_OPERATION, "DELETE", "delete");
        }
        boolean update = doc.version() > 1 || doc.status() != org.annulus.bridge.document.DocumentStatus.FINAL;
        return new Coding(DATA_OPERATION, update ? "UPDATE" : "CREATE", update ? "revise" : "create");
    }

    Bundle.BundleEntryComponent provenance(
            ClinicalDocument doc, String trackingId, String sha256, Instant recorded, List<String> targets) {
        Provenance provenance = new Provenance();
        provenance.setId("bridge-" + trackingId);
        provenance.getMeta().addProfile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-provenance");
        targets.forEach(t -> provenance.addTarget(new Reference(t)));
        provenance.setRecorded(Date.from(recorded));
        provenance.setActivity(new CodeableConcept(activity(doc)));
        Provenance.ProvenanceAgentComponent author = provenance
                .addAgent()
                .setType(new CodeableConcept(new Coding(PARTICIPANT_TYPE, "author", "Author")))
                .setWho(new DocumentParts(doc).author());
        Provenance.ProvenanceAgentComponent transmitter = provenance
                .addAgent()
                .setType(new CodeableConcept(new Coding(US_CORE_PARTICIPANT_TYPE, "transmitter", "Transmitter")))
                .setWho(new Reference().setType("Device").setDisplay("Annulus Bridge " + MODULE_VERSION));
        if (clinic.configured()) {
            // Logical by identifier: the clinic is configured by hospital IT, not written by the bridge.
            author.setOnBehalfOf(clinicOrganization());
            transmitter.setOnBehalfOf(clinicOrganization());
        }
        String source = doc.kind().code() + "/" + doc.documentId() + "/v" + doc.version();
        provenance
                .addEntity()
                .setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference()
                        .setDisplay(doc.kind().code() + " " + doc.documentId() + " version " + doc.version()
                                + ", sha256:" + sha256)
                        .setIdentifier(new Identifier()
                                .setSystem(SOURCE_DOCUMENT_SYSTEM)
                                .setValue(source)));
        provenance.setText(DocumentParts.narrative(
                "Written by Annulus Bridge from " + doc.kind().code().replace('-', ' ') + " " + doc.documentId()
                        + " version " + doc.version(),
                "Source SHA-256: " + sha256,
                "Tracking id: " + trackingId));
        Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent()
                .setFullUrl("urn:uuid:"
                        + java.util.UUID.nameUUIDFromBytes(
                                ("provenance/" + trackingId).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setResource(provenance);
        entry.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/bridge-" + trackingId);
        return entry;
    }
}
