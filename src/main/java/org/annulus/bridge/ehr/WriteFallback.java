package org.annulus.bridge.ehr;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * Many EHRs accept clinical notes but not creates of CarePlan or Procedure from outside. Rather
 * than lose that content, it goes in as a DocumentReference progress note carrying the resource's
 * narrative, under the same fullUrl (so references to it still resolve) and a derived identifier.
 */
final class WriteFallback {

    static final String FALLBACK_SUFFIX = "/as-note";
    private static final Coding PROGRESS_NOTE = new Coding("http://loinc.org", "11506-3", "Progress note");

    private WriteFallback() {}

    static Bundle.BundleEntryComponent asNote(
            Bundle.BundleEntryComponent entry, String identifierSystem, String identifierValue) {
        Resource original = entry.getResource();
        DocumentReference note = new DocumentReference();
        note.getMeta().addProfile("http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference");
        note.addIdentifier(new Identifier().setSystem(identifierSystem).setValue(identifierValue + FALLBACK_SUFFIX));
        note.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        note.setType(new CodeableConcept(PROGRESS_NOTE.copy()).setText(original.fhirType() + " (as a note)"));
        note.addCategory(new CodeableConcept(new Coding(
                "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                "clinical-note",
                "Clinical Note")));
        subjectOf(original).ifPresent(note::setSubject);
        note.setDate(lastUpdatedOrNow(original));
        String text = original instanceof DomainResource dr && dr.hasText()
                ? dr.getText().getDiv().allText()
                : original.fhirType();
        note.setDescription("This EHR does not accept " + original.fhirType()
                + " resources from Annulus Bridge; its content follows as a note.");
        note.addContent()
                .setAttachment(new Attachment()
                        .setContentType("text/plain; charset=utf-8")
                        .setData(text.getBytes(StandardCharsets.UTF_8))
                        .setTitle(original.fhirType()));
        note.getText()
                .setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED)
                .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + escape(text) + "</p></div>");
        Bundle.BundleEntryComponent replaced =
                new Bundle.BundleEntryComponent().setFullUrl(entry.getFullUrl()).setResource(note);
        replaced.getRequest()
                .setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("DocumentReference?identifier=" + identifierSystem + "|" + identifierValue + FALLBACK_SUFFIX);
        return replaced;
    }

    private static java.util.Optional<Reference> subjectOf(Resource resource) {
        return resource.getNamedProperty("subject") == null
                ? java.util.Optional.empty()
                : resource.getNamedProperty("subject").getValues().stream()
                        .filter(Reference.class::isInstance)
                        .map(Reference.class::cast)
                        .findFirst()
                        .map(Reference::copy);
    }

    private static Date lastUpdatedOrNow(Resource resource) {
        return resource.getMeta().hasLastUpdated() ? resource.getMeta().getLastUpdated() : new Date();
    }

    private static String escape(String text) {
        return new StringType(text)
                .getValue()
                .replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
