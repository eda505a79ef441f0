package org.annulus.bridge.mapping;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentStatus;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * Names and links the resources made from one document. Each resource's business identifier is
 * {@code kind/patientKey/documentId/part} in our identifier system (the patient key: see
 * {@link org.annulus.bridge.document.PatientIdentity#identifierKey()}); it is what makes a resend find, not
 * duplicate, what is already in the EHR. Full URLs are name-based UUIDs of that identifier, so the
 * same document always gives the same bundle.
 */
final class DocumentParts {

    /** Identifier system of every resource this module writes. */
    static final String IDENTIFIER_SYSTEM = "http://annulus.org/fhir/sid/bridge-resource";

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private final ClinicalDocument document;
    private final Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);

    DocumentParts(ClinicalDocument document) {
        this.document = document;
    }

    ClinicalDocument document() {
        return document;
    }

    /**
     * What every clinical note we write shares: the US Core profile, our identifier, its status from the
     * document's (entered-in-error retracts it, an amendment is an amended note), the LOINC note type, the
     * US Core clinical-note category, the patient and the document's author.
     */
    org.hl7.fhir.r4.model.DocumentReference clinicalNote(
            String part, org.hl7.fhir.r4.model.Coding type, String typeText) {
        org.hl7.fhir.r4.model.DocumentReference ref = new org.hl7.fhir.r4.model.DocumentReference();
        ref.getMeta().addProfile(Profiles.DOCUMENT_REFERENCE);
        ref.addIdentifier(identifier(part));
        ref.setStatus(
                retracted()
                        ? org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.ENTEREDINERROR
                        : org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus.CURRENT);
        ref.setDocStatus(
                retracted()
                        ? org.hl7.fhir.r4.model.DocumentReference.ReferredDocumentStatus.ENTEREDINERROR
                        : document.status() == DocumentStatus.AMENDED
                                ? org.hl7.fhir.r4.model.DocumentReference.ReferredDocumentStatus.AMENDED
                                : org.hl7.fhir.r4.model.DocumentReference.ReferredDocumentStatus.FINAL);
        ref.setType(new org.hl7.fhir.r4.model.CodeableConcept(type.copy()).setText(typeText));
        ref.addCategory(clinicalNoteCategory());
        ref.setSubject(patient());
        ref.addAuthor(author());
        return ref;
    }

    /** US Core's DocumentReference category of every note we write. */
    static org.hl7.fhir.r4.model.CodeableConcept clinicalNoteCategory() {
        return new org.hl7.fhir.r4.model.CodeableConcept(new org.hl7.fhir.r4.model.Coding(
                "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                "clinical-note",
                "Clinical Note"));
    }

    boolean retracted() {
        return document.status() == DocumentStatus.ENTERED_IN_ERROR;
    }

    String identifierValue(String part) {
        return identifierValue(document, document.kind().code(), document.documentId(), part);
    }

    /**
     * The identifier value of a part of the document {@code kind/documentId} of the same patient as
     * {@code about}: links between a patient's documents can never reach another patient's resources.
     */
    static String identifierValue(ClinicalDocument about, String kind, String documentId, String part) {
        return kind + "/" + about.patient().identifierKey() + "/" + documentId + "/" + part;
    }

    /** The narrative line that tells a clinician where a resource came from. */
    String sourceLine() {
        return "Source: " + document.kind().code().replace('-', ' ') + " " + document.documentId() + ", version "
                + document.version() + (retracted() ? " (entered in error)" : "");
    }

    Identifier identifier(String part) {
        return new Identifier()
                .setUse(Identifier.IdentifierUse.OFFICIAL)
                .setSystem(IDENTIFIER_SYSTEM)
                .setValue(identifierValue(part));
    }

    String fullUrl(String part) {
        return "urn:uuid:" + UUID.nameUUIDFromBytes(identifierValue(part).getBytes(StandardCharsets.UTF_8));
    }

    Reference ref(String part) {
        return new Reference(fullUrl(part));
    }

    /** The patient by MRN; the EHR writer swaps in the EHR's own Patient id once matched. */
    Reference patient() {
        return new Reference()
                .setType("Patient")
                .setIdentifier(new Identifier()
                        .setSystem(document.patient().mrnSystem())
                        .setValue(document.patient().mrn()));
    }

    Reference author() {
        return new Reference()
                .setType("Practitioner")
                .setDisplay(document.author().name())
                .setIdentifier(new Identifier()
                        .setSystem(Terminology.NPI)
                        .setValue(document.author().npi()));
    }

    /**
     * Adds a resource under its part name. A first, final version is a conditional create by
     * business identifier (a resend finds what is there); an amendment or retraction is a
     * conditional update by the same identifier, so it replaces what the earlier version wrote.
     */
    void add(String part, Resource resource) {
        if (document.version() == 1 && document.status() == DocumentStatus.FINAL) {
            bundle.addEntry(create(part, resource));
        } else {
            bundle.addEntry(update(part, resource));
        }
    }

    Bundle.BundleEntryComponent create(String part, Resource resource) {
        Bundle.BundleEntryComponent entry =
                new Bundle.BundleEntryComponent().setFullUrl(fullUrl(part)).setResource(resource);
        entry.getRequest()
                .setMethod(Bundle.HTTPVerb.POST)
                .setUrl(resource.fhirType())
                .setIfNoneExist("identifier=" + IDENTIFIER_SYSTEM + "|" + identifierValue(part));
        return entry;
    }

    /** A conditional update: creates the resource if the EHR has none with this identifier. */
    Bundle.BundleEntryComponent update(String part, Resource resource) {
        return updateEntry(fullUrl(part), resource, identifierValue(part));
    }

    static Bundle.BundleEntryComponent updateEntry(String fullUrl, Resource resource, String identifierValue) {
        Bundle.BundleEntryComponent entry =
                new Bundle.BundleEntryComponent().setFullUrl(fullUrl).setResource(resource);
        entry.getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(resource.fhirType() + "?identifier=" + IDENTIFIER_SYSTEM + "|" + identifierValue);
        return entry;
    }

    Bundle bundle() {
        return bundle;
    }

    /**
     * A FHIR dateTime with seconds and the clinic's offset. {@code OffsetDateTime.toString()} drops
     * zero seconds, which FHIR's dateTime does not allow.
     */
    static DateTimeType dateTime(OffsetDateTime time) {
        return new DateTimeType(SECONDS.format(time));
    }

    /** A generated narrative: a clinician's EHR shows {@code text} when it cannot render the codes. */
    static Narrative narrative(String... lines) {
        XhtmlNode div = new XhtmlNode(org.hl7.fhir.utilities.xhtml.NodeType.Element, "div");
        div.setAttribute("xmlns", "http://www.w3.org/1999/xhtml");
        for (String line : lines) {
            div.addTag("p").addText(line);
        }
        return new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div);
    }
}
