package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.annulus.bridge.document.PatientIdentity;
import org.annulus.bridge.mapping.FallbackNote;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * What one document's send will do at this EHR, decided before anything is sent: the entries as they
 * go ({@code toSend}: patient and visit references made literal, types the EHR takes no writes of
 * replaced by notes), whether they go as one transaction or one request at a time, and the Provenance
 * written after them, once the EHR's versions are known. A value, built without HTTP from what the
 * EHR already told (patient match, visit lookup, CapabilityStatement); {@link #toString()} describes
 * it without patient data.
 *
 * @param provenance the detached Provenance entry, or null when the bundle has none
 */
record WritePlan(
        String patientId, Mode mode, Bundle toSend, List<AsNote> notes, Bundle.BundleEntryComponent provenance) {

    private static final FhirTerser TERSER = new FhirTerser(FhirContext.forR4Cached());

    WritePlan {
        notes = List.copyOf(notes);
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
     * The plan for {@code mapped} (left unchanged) at an EHR with these capabilities, for the EHR
     * Patient {@code patientId} matched to {@code patient}, with the visits already found there
     * ({@link #visitToken} → Encounter id).
     */
    static WritePlan of(
            Bundle mapped,
            PatientIdentity patient,
            String patientId,
            Map<String, String> encounters,
            EhrCapabilities.Snapshot capabilities) {
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
        List<AsNote> notes = new ArrayList<>();
        for (int i = 0; i < toSend.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = toSend.getEntry().get(i);
            String type = entry.getResource().fhirType();
            if (takesOnlyAsNote(capabilities, type)) {
                Optional<Bundle.BundleEntryComponent> note = FallbackNote.replacing(entry);
                if (note.isPresent()) {
                    toSend.getEntry().set(i, note.get());
                    notes.add(new AsNote(type, entry.getFullUrl(), FallbackNote.typeFor(type)));
                }
            }
        }
        Mode mode = capabilities.transaction() ? Mode.TRANSACTION : Mode.ONE_AT_A_TIME;
        return new WritePlan(patientId, mode, toSend, notes, provenance);
    }

    /** Whether this EHR gets resources of {@code type} as notes: it takes no writes of them, but takes notes. */
    static boolean takesOnlyAsNote(EhrCapabilities.Snapshot capabilities, String type) {
        return !capabilities.canWrite(type) && capabilities.canWrite("DocumentReference");
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
        if (provenance != null) {
            text.append("; Provenance after");
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
