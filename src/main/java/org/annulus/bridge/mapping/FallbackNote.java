package org.annulus.bridge.mapping;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The note that stands in for a resource the EHR takes no writes of. Many EHRs accept clinical notes
 * but not creates of CarePlan or Procedure from outside; rather than lose that content, it goes in as a
 * US Core DocumentReference carrying the resource's narrative, under the same fullUrl (so references to
 * it still resolve) and its own business identifier (the resource's plus {@value #IDENTIFIER_SUFFIX}).
 * Pure like the rest of the mapping: the note is dated by the resource's clinical time, never by a clock.
 */
public final class FallbackNote {

    /** Appended to the resource's business identifier to name its note. */
    public static final String IDENTIFIER_SUFFIX = "/as-note";

    /** Appended to a resource's business identifier to name the note about an amendment the EHR did not apply. */
    public static final String AMENDMENT_SUFFIX = "/amendment-note";

    /** DocumentReference.author may name these (US Core 6.1.0 DocumentReference). */
    private static final Set<String> AUTHOR_TYPES =
            Set.of("Practitioner", "PractitionerRole", "Organization", "Patient", "RelatedPerson", "Device");

    private FallbackNote() {}

    /**
     * The LOINC document type of the note standing in for a resource of this type: a Procedure's is a
     * procedure note; anything else (care plans, goals, findings) a progress note.
     */
    public static Coding typeFor(String resourceType) {
        return ("Procedure".equals(resourceType) ? Terminology.PROCEDURE_NOTE : ProcedureCodes.PROGRESS_NOTE).copy();
    }

    /**
     * The entry that writes the note in place of {@code entry}'s resource, as a conditional update by the
     * note's identifier. Empty when the resource carries none of our business identifiers (no identifier
     * would let a resend find the note) or is about no patient (a Medication, say: a clinical note is
     * always a patient's).
     */
    public static Optional<Bundle.BundleEntryComponent> replacing(Bundle.BundleEntryComponent entry) {
        Resource original = entry.getResource();
        if (reference(original, "subject").isEmpty()) {
            return Optional.empty();
        }
        return Retraction.businessIdentifier(original)
                .map(value -> DocumentParts.updateEntry(
                        entry.getFullUrl(), note(original, value + IDENTIFIER_SUFFIX), value + IDENTIFIER_SUFFIX));
    }

    /**
     * The note that tells a clinician about an amendment or retraction the EHR did not apply to the
     * resource {@code heldReference} (literal, {@code Condition/123}): what our new version says and what
     * to reconcile, dated with its clinical time, by its authors, {@code context.related} to the
     * resource. Its own business identifier (the resource's plus {@value #AMENDMENT_SUFFIX}), one per
     * resource: a later amendment replaces the earlier note. Empty as for {@link #replacing}.
     *
     * @param ours the entry we meant to write, as sent
     * @param why why it was not applied, in a clinician's words
     */
    public static Optional<Bundle.BundleEntryComponent> amending(
            Bundle.BundleEntryComponent ours, String heldReference, String why) {
        Resource original = ours.getResource();
        boolean retracted = enteredInError(original);
        List<String> lines = new ArrayList<>();
        lines.add(
                (retracted ? "Retraction not applied to " : "Amendment not applied to ") + heldReference + ": " + why);
        lines.add(retracted ? "The clinic retracted this record (entered in error):" : "The amended record says:");
        lines.addAll(narrativeLines(original));
        lines.add(
                retracted
                        ? "Please mark the record in the EHR entered in error, or reconcile it with the clinic."
                        : "Please compare it with the record in the EHR and reconcile the two.");
        return amendmentNote(ours, heldReference, lines, false, "Amendment of " + original.fhirType() + " not applied");
    }

    /**
     * The amendment note once the amendment reached {@code writtenReference} after all (an operator
     * chose to overwrite, or a later version was applied): entered in error, so that no note asking
     * for a reconciliation stays current.
     */
    public static Optional<Bundle.BundleEntryComponent> amendmentApplied(
            Bundle.BundleEntryComponent ours, String writtenReference) {
        List<String> lines = List.of(
                "The amendment of " + writtenReference + " was applied in the EHR: nothing is left to reconcile.");
        return amendmentNote(
                ours,
                writtenReference,
                lines,
                true,
                "Amendment of " + ours.getResource().fhirType() + " applied");
    }

    private static Optional<Bundle.BundleEntryComponent> amendmentNote(
            Bundle.BundleEntryComponent ours, String related, List<String> lines, boolean retired, String description) {
        Resource original = ours.getResource();
        if (reference(original, "subject").isEmpty()) {
            return Optional.empty();
        }
        return Retraction.businessIdentifier(original).map(value -> {
            String identifier = value + AMENDMENT_SUFFIX;
            DocumentReference note = note(original, identifier, retired, original.fhirType() + " (amendment)", lines);
            note.setDescription(description);
            note.getContext().addRelated(new Reference(related));
            return DocumentParts.updateEntry(
                    "urn:uuid:" + UUID.nameUUIDFromBytes(identifier.getBytes(StandardCharsets.UTF_8)),
                    note,
                    identifier);
        });
    }

    private static DocumentReference note(Resource original, String identifierValue) {
        String type = original.fhirType();
        DocumentReference note = note(
                original, identifierValue, enteredInError(original), type + " (as a note)", narrativeLines(original));
        note.setDescription(
                "This EHR does not accept " + type + " resources from Annulus Bridge; its content follows as a note.");
        return note;
    }

    /**
     * What every note standing in for, or telling about, a resource shares: our identifier, status
     * (entered in error when {@code retracted}), the LOINC type by the resource's type, the patient, the
     * resource's authors and clinical time, and {@code lines} as text and as its content.
     */
    private static DocumentReference note(
            Resource original, String identifierValue, boolean retracted, String typeText, List<String> lines) {
        String type = original.fhirType();
        DocumentReference note = new DocumentReference();
        note.getMeta().addProfile(Profiles.DOCUMENT_REFERENCE);
        note.addIdentifier(new Identifier()
                .setUse(Identifier.IdentifierUse.OFFICIAL)
                .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                .setValue(identifierValue));
        // A retraction of the resource retracts its note (the conditional update replaces the earlier one).
        note.setStatus(
                retracted
                        ? Enumerations.DocumentReferenceStatus.ENTEREDINERROR
                        : Enumerations.DocumentReferenceStatus.CURRENT);
        note.setDocStatus(
                retracted
                        ? DocumentReference.ReferredDocumentStatus.ENTEREDINERROR
                        : DocumentReference.ReferredDocumentStatus.FINAL);
        note.getType().addCoding(typeFor(type)).setText(typeText);
        note.addCategory(DocumentParts.clinicalNoteCategory());
        note.setSubject(reference(original, "subject").orElseThrow());
        authors(original).forEach(note::addAuthor);
        clinicalTime(original).ifPresent(period -> {
            note.getContext().setPeriod(period);
            instant(period.hasStart() ? period.getStartElement() : period.getEndElement())
                    .ifPresent(note::setDateElement);
        });
        reference(original, "encounter").ifPresent(e -> note.getContext().addEncounter(e));
        note.addContent()
                .setAttachment(new Attachment()
                        .setContentType("text/plain; charset=utf-8")
                        .setData(String.join("\n", lines).getBytes(StandardCharsets.UTF_8))
                        .setTitle(type));
        note.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return note;
    }

    /** FHIR keeps retracted records and flags them; each type has its own element for that. */
    private static boolean enteredInError(Resource resource) {
        if (resource instanceof Condition c) {
            return c.getVerificationStatus().getCoding().stream()
                    .anyMatch(k -> Terminology.CONDITION_VER_STATUS.equals(k.getSystem())
                            && "entered-in-error".equals(k.getCode()));
        }
        if (resource instanceof Goal g) {
            return g.getLifecycleStatus() == Goal.GoalLifecycleStatus.ENTEREDINERROR;
        }
        Property status = resource.getNamedProperty("status");
        return status != null
                && status.getValues().stream()
                        .anyMatch(v ->
                                v instanceof PrimitiveType<?> p && "entered-in-error".equals(p.getValueAsString()));
    }

    /**
     * When what the resource records happened: the time a clinician would file the note under. Empty
     * for a resource that carries none (the note is then undated rather than dated by the send).
     */
    private static Optional<Period> clinicalTime(Resource resource) {
        if (resource instanceof Procedure p && p.hasPerformed()) {
            return period(p.getPerformed());
        }
        if (resource instanceof CarePlan c) {
            return c.hasPeriod() && (c.getPeriod().hasStart() || c.getPeriod().hasEnd())
                    ? period(c.getPeriod())
                    : c.hasCreated() ? period(c.getCreatedElement()) : Optional.empty();
        }
        if (resource instanceof Goal g && g.hasStartDateType()) {
            return period(new DateTimeType(g.getStartDateType().getValueAsString()));
        }
        if (resource instanceof Observation o) {
            return o.hasEffective() ? period(o.getEffective()) : period(o.getIssuedElement());
        }
        if (resource instanceof Condition c && c.hasRecordedDate()) {
            return period(c.getRecordedDateElement());
        }
        if (resource instanceof ServiceRequest s && s.hasAuthoredOn()) {
            return period(s.getAuthoredOnElement());
        }
        if (resource instanceof MedicationAdministration m && m.hasEffective()) {
            return period(m.getEffective());
        }
        return Optional.empty();
    }

    private static Optional<Period> period(Type time) {
        if (time instanceof Period p) {
            return Optional.of(p.copy());
        }
        if (time instanceof InstantType i && i.hasValue()) {
            return Optional.of(new Period().setStartElement(new DateTimeType(i.getValueAsString())));
        }
        if (time instanceof DateTimeType d && d.hasValue()) {
            return Optional.of(new Period().setStartElement(d.copy()));
        }
        return Optional.empty();
    }

    /** DocumentReference.date is an instant: only a time to the minute or finer makes one; a day does not. */
    private static Optional<InstantType> instant(DateTimeType time) {
        if (time == null || !time.hasValue() || time.getPrecision().compareTo(TemporalPrecisionEnum.DAY) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new InstantType(time.getValue(), TemporalPrecisionEnum.SECOND, time.getTimeZone()));
    }

    /** Who performed, recorded or wrote what the resource records: the note's authors. */
    private static List<Reference> authors(Resource resource) {
        Stream<Reference> candidates;
        if (resource instanceof Procedure p) {
            candidates = Stream.concat(
                    p.getPerformer().stream().map(Procedure.ProcedurePerformerComponent::getActor),
                    Stream.of(p.getRecorder(), p.getAsserter()));
        } else if (resource instanceof Condition c) {
            candidates = Stream.of(c.getRecorder(), c.getAsserter());
        } else if (resource instanceof Observation o) {
            candidates = o.getPerformer().stream();
        } else if (resource instanceof CarePlan c) {
            candidates = Stream.concat(Stream.of(c.getAuthor()), c.getContributor().stream());
        } else if (resource instanceof Goal g) {
            candidates = Stream.of(g.getExpressedBy());
        } else if (resource instanceof ServiceRequest s) {
            candidates = Stream.of(s.getRequester());
        } else if (resource instanceof MedicationAdministration m) {
            candidates = m.getPerformer().stream()
                    .map(MedicationAdministration.MedicationAdministrationPerformerComponent::getActor);
        } else {
            candidates = Stream.empty();
        }
        List<Reference> authors = new ArrayList<>();
        candidates
                .filter(r -> r != null && !r.isEmpty() && AUTHOR_TYPES.contains(typeOf(r)))
                .filter(r -> authors.stream().noneMatch(a -> a.equalsDeep(r)))
                .forEach(r -> authors.add(r.copy()));
        return authors;
    }

    private static String typeOf(Reference reference) {
        if (reference.hasType()) {
            return reference.getType();
        }
        if (reference.hasReference() && !reference.getReference().startsWith("urn:")) {
            IIdType id = new IdType(reference.getReference());
            return id.getResourceType();
        }
        return "";
    }

    private static Optional<Reference> reference(Resource resource, String element) {
        Property property = resource.getNamedProperty(element);
        return property == null
                ? Optional.empty()
                : property.getValues().stream()
                        .filter(Reference.class::isInstance)
                        .map(Reference.class::cast)
                        .filter(r -> !r.isEmpty())
                        .findFirst()
                        .map(Reference::copy);
    }

    /** One line per paragraph of the resource's narrative (its type alone when it has none). */
    private static List<String> narrativeLines(Resource resource) {
        List<String> lines = resource instanceof DomainResource dr
                        && dr.hasText()
                        && dr.getText().hasDiv()
                ? dr.getText().getDiv().getChildNodes().stream()
                        .map(XhtmlNode::allText)
                        .filter(t -> t != null && !t.isBlank())
                        .map(String::trim)
                        .collect(Collectors.toList())
                : List.of();
        return lines.isEmpty() ? List.of(resource.fhirType()) : lines;
    }
}
