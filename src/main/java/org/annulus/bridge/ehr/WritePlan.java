package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.annulus.bridge.document.PatientIdentity;
import org.annulus.bridge.mapping.FallbackNote;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * What one document's send will do at this EHR, decided before anything is sent: the entries as they
 * go ({@code toSend}: patient and visit references made literal, types the EHR takes no writes of
 * replaced by notes), whether they go as one transaction or one request at a time, and the Provenance
 * written after them, once the EHR's versions are known. A value, built without HTTP from what the
 * EHR already told (patient match, visit lookup, CapabilityStatement); {@link #toString()} describes
 * it without patient data.
 *
 * @param provenance the detached Provenance entry, or null when the bundle has none
 * @param unwritable entries left out: the EHR can file them neither as they are nor as a note
 * @param provenanceKept the EHR takes no Provenance: the bridge keeps it (store and audit trail)
 */
record WritePlan(
        String patientId,
        Mode mode,
        Bundle toSend,
        List<AsNote> notes,
        Bundle.BundleEntryComponent provenance,
        List<Unwritable> unwritable,
        boolean provenanceKept) {

    private static final FhirTerser TERSER = new FhirTerser(FhirContext.forR4Cached());
    private static final String NOTE = "DocumentReference";

    WritePlan {
        notes = List.copyOf(notes);
        unwritable = List.copyOf(unwritable);
    }

    /** How the entries reach the EHR. */
    enum Mode {
        /** All or nothing, in one request. */
        TRANSACTION("one transaction"),
        /** Each entry a request of its own, after the entries it references, planned from the write ledger. */
        ONE_AT_A_TIME("one request at a time");

        private final String description;

        Mode(String description) {
            this.description = description;
        }
    }

    /** An entry whose type the EHR takes no writes of, going in as a note of {@code noteType} under the same fullUrl. */
    record AsNote(String resourceType, String fullUrl, Coding noteType) {

        /** For example {@code Procedure -> procedure note}. */
        String describe() {
            return resourceType + " -> " + noteType.getDisplay().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An entry the plan leaves out of the send because this EHR cannot file it, neither as it is nor as a
     * note: held for a person to file by hand (the document's review state names it).
     */
    record Unwritable(String resourceType, String businessIdentifier, String reason, Resource resource) {}

    /**
     * The plan for {@code mapped} (left unchanged) at an EHR with these rules (CapabilityStatement and EHR
     * profile), for the EHR Patient {@code patientId} matched to {@code patient}, with the visits already
     * found there ({@link #visitToken} → Encounter id).
     */
    static WritePlan of(
            Bundle mapped, PatientIdentity patient, String patientId, Map<String, String> encounters, EhrRules rules) {
        Bundle toSend = mapped.copy();
        for (Reference ref : references(toSend)) {
            if (ref.hasReference() || !ref.hasIdentifier()) {
                continue;
            }
            Identifier id = ref.getIdentifier();
            if (patient.mrnSystem().equals(id.getSystem()) && patient.mrn().equals(id.getValue())) {
                ref.setReference("Patient/" + patientId);
            } else if ("Encounter".equals(ref.getType()) && encounters.containsKey(visitToken(id))) {
                ref.setReference("Encounter/" + encounters.get(visitToken(id)));
            }
        }
        // Out before the notes: the Provenance goes after the rest, never as a note.
        Bundle.BundleEntryComponent provenance =
                VersionedProvenance.detach(toSend).orElse(null);
        Optional<Reference> visit = theVisit(toSend);
        List<AsNote> notes = new ArrayList<>();
        List<Unwritable> unwritable = new ArrayList<>();
        Set<String> leftOut = new HashSet<>();
        for (int i = 0; i < toSend.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = toSend.getEntry().get(i);
            Resource resource = entry.getResource();
            String type = resource.fhirType();
            Optional<String> why = asNoteBecause(rules, resource);
            if (why.isPresent()) {
                Optional<Bundle.BundleEntryComponent> note = FallbackNote.replacing(entry);
                if (note.isPresent()) {
                    toSend.getEntry().set(i, note.get());
                    notes.add(new AsNote(type, entry.getFullUrl(), FallbackNote.typeFor(type)));
                    entry = note.get();
                    DocumentReference asNote = (DocumentReference) entry.getResource();
                    if (!hasEncounter(asNote)) {
                        // A goal has no encounter of its own: its note is filed under the document's visit.
                        visit.ifPresent(v -> asNote.getContext().addEncounter(v.copy()));
                    }
                } else if (!rules.canCreate(type) && !hasSubject(resource)) {
                    // About no patient (a Medication): what it says is in the resources citing it.
                    leftOut.add(entry.getFullUrl());
                    continue;
                }
            }
            String written = entry.getResource().fhirType();
            if (rules.canCreate(written) && rules.needsEncounter(written) && !hasEncounter(entry.getResource())) {
                leftOut.add(entry.getFullUrl());
                unwritable.add(new Unwritable(
                        type,
                        LedgerWriter.businessIdentifier(entry),
                        "the EHR files " + written + " only under an encounter of the patient, and this document's"
                                + " visit was not found there: file this " + type + " by hand",
                        entry.getResource()));
            }
        }
        toSend.getEntry().removeIf(e -> leftOut.contains(e.getFullUrl()));
        withoutReferencesTo(toSend, leftOut);
        boolean provenanceKept = provenance != null && !rules.canCreate("Provenance");
        for (Bundle.BundleEntryComponent entry : toSend.getEntry()) {
            if (entry.getResource() instanceof Condition condition) {
                rules.conditionVerificationStatus().ifPresent(status -> withVerificationStatus(condition, status));
            }
            if (entry.getResource() instanceof DocumentReference note) {
                // No per-send line (the document's hash) goes into a note: it would change the note with every
                // version and every send that composes it, and an EHR without updates would hold each for review.
                // The note names its source document and version (the resource's narrative); the hash is in the
                // Provenance the bridge keeps.
                withStatus(note, rules.noteStatus());
            }
        }
        Mode mode = rules.transaction() ? Mode.TRANSACTION : Mode.ONE_AT_A_TIME;
        return new WritePlan(patientId, mode, toSend, notes, provenance, unwritable, provenanceKept);
    }

    /**
     * Why this resource goes in as a note: the EHR takes no writes of its type (or the profile sends the
     * type as notes), it is a Condition of a category the EHR does not take, or the EHR files its type
     * only under an encounter, the resource has none, and notes need none.
     */
    private static Optional<String> asNoteBecause(EhrRules rules, Resource resource) {
        String type = resource.fhirType();
        if (rules.goesAsNote(type)) {
            return Optional.of("type");
        }
        if (resource instanceof Condition condition
                && !rules.conditionCategories().isEmpty()
                && !rules.conditionCategories().containsAll(categories(condition))
                && rules.canCreate(NOTE)) {
            return Optional.of("category");
        }
        if (!NOTE.equals(type)
                && rules.needsEncounter(type)
                && !hasEncounter(resource)
                && rules.canCreate(NOTE)
                && !rules.needsEncounter(NOTE)) {
            return Optional.of("encounter");
        }
        return Optional.empty();
    }

    /** The one Encounter the EHR knows that the send's resources are filed under, if there is exactly one. */
    private static Optional<Reference> theVisit(Bundle toSend) {
        List<String> visits = references(toSend).stream()
                .filter(r -> r.hasReference() && r.getReference().startsWith("Encounter/"))
                .map(Reference::getReference)
                .distinct()
                .toList();
        return visits.size() == 1 ? Optional.of(new Reference(visits.get(0))) : Optional.empty();
    }

    private static List<String> categories(Condition condition) {
        return condition.getCategory().stream()
                .flatMap(c -> c.getCoding().stream())
                .map(Coding::getCode)
                .toList();
    }

    /** Whether the resource is filed under an Encounter the EHR knows (a literal reference to it). */
    private static boolean hasEncounter(Resource resource) {
        List<Reference> encounters = resource instanceof DocumentReference note
                ? note.getContext().getEncounter()
                : resource instanceof Observation observation ? List.of(observation.getEncounter()) : List.of();
        if (encounters.isEmpty() && resource.getNamedProperty("encounter") != null) {
            encounters = resource.getNamedProperty("encounter").getValues().stream()
                    .filter(Reference.class::isInstance)
                    .map(Reference.class::cast)
                    .toList();
        }
        return encounters.stream()
                .anyMatch(r -> r.hasReference() && r.getReference().startsWith("Encounter/"));
    }

    private static boolean hasSubject(Resource resource) {
        var subject = resource.getNamedProperty("subject");
        return subject != null && subject.hasValues();
    }

    /** A reference to an entry left out would not resolve: it keeps what it says, not where it points. */
    private static void withoutReferencesTo(Bundle toSend, Set<String> leftOut) {
        for (Reference ref : references(toSend)) {
            if (ref.hasReference() && leftOut.contains(ref.getReference())) {
                ref.setReference(null);
                // A parsed bundle links the target too, and the encoder would write its id back.
                ref.setResource(null);
                if (!ref.hasDisplay() && !ref.hasIdentifier()) {
                    ref.setDisplay("not filed in this EHR");
                }
            }
        }
    }

    /**
     * The one verificationStatus the EHR takes (Epic: provisional, which a clinician confirms when reconciling
     * the problem); a retracted Condition stays entered-in-error, which is no create.
     */
    private static void withVerificationStatus(Condition condition, String status) {
        boolean retracted = condition.getVerificationStatus().getCoding().stream()
                .anyMatch(c -> "entered-in-error".equals(c.getCode()));
        if (!retracted) {
            condition.setVerificationStatus(new CodeableConcept(new Coding(
                    EhrProfileReader.CONDITION_VER_STATUS,
                    status,
                    EhrProfileReader.CONDITION_VER_STATUSES.get(status))));
        }
    }

    /** The profile's docStatus (a clinician signs a preliminary note); a retracted note stays entered-in-error. */
    static void withStatus(DocumentReference note, EhrProfile.NoteStatus status) {
        if (note.getDocStatus() == DocumentReference.ReferredDocumentStatus.FINAL
                && status == EhrProfile.NoteStatus.PRELIMINARY) {
            note.setDocStatus(DocumentReference.ReferredDocumentStatus.PRELIMINARY);
        }
    }

    /**
     * The visits (by the hospital's visit number, issue 9 point 12) the bundle references by
     * identifier only: looked up at the EHR before planning, each once.
     */
    static List<Identifier> visits(Bundle mapped) {
        Map<String, Identifier> visits = new LinkedHashMap<>();
        for (Reference ref : references(mapped)) {
            if (!ref.hasReference() && "Encounter".equals(ref.getType()) && ref.hasIdentifier()) {
                visits.putIfAbsent(visitToken(ref.getIdentifier()), ref.getIdentifier());
            }
        }
        return List.copyOf(visits.values());
    }

    static String visitToken(Identifier visit) {
        return visit.getSystem() + "|" + visit.getValue();
    }

    Optional<Bundle.BundleEntryComponent> provenanceAfter() {
        return Optional.ofNullable(provenance);
    }

    /** The resource types that go in as notes, each once, for {@link EhrWriteResult.Written#fallbacks()}. */
    List<String> noteTypes() {
        return notes.stream().map(AsNote::resourceType).distinct().toList();
    }

    /**
     * For example {@code one transaction: Condition, Observation, DocumentReference; CarePlan -> progress
     * note; Provenance after}. Resource types only: no patient id, no identifiers.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(mode.description)
                .append(": ")
                .append(toSend.getEntry().stream()
                        .map(e -> e.getResource().fhirType())
                        .collect(Collectors.joining(", ")));
        notes.stream().map(AsNote::describe).distinct().forEach(n -> text.append("; ")
                .append(n));
        unwritable.stream()
                .map(u -> u.resourceType() + " -> held for review")
                .distinct()
                .forEach(n -> text.append("; ").append(n));
        if (provenance != null) {
            text.append(provenanceKept ? "; Provenance kept by the bridge" : "; Provenance after");
        }
        return text.toString();
    }

    private static List<Reference> references(Bundle bundle) {
        List<Reference> refs = new ArrayList<>();
        bundle.getEntry()
                .forEach(e -> refs.addAll(TERSER.getAllPopulatedChildElementsOfType(e.getResource(), Reference.class)));
        return refs;
    }
}
