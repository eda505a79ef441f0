package org.annulus.bridge.ehr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.annulus.bridge.ehr.EhrProfile.Write;
import org.annulus.bridge.mapping.FallbackNote;

/**
 * What the bridge writes to this EHR: its CapabilityStatement intersected with the hospital's EHR
 * profile ({@code bridge.ehr.profile}). A write the statement lists but the profile refuses is not
 * made; a write the profile allows but the statement does not list is not made either (the EHR would
 * answer 405). What only the profile can say (notes, their status, encounters, Condition categories)
 * comes from the profile.
 */
record EhrRules(EhrCapabilities.Snapshot statement, EhrProfile profile) implements LedgerWriter.Rules {

    /** The resource types the mapping produces, in the order the printed plan names them. */
    static final List<String> WRITTEN_TYPES = List.of(
            "Condition",
            "Observation",
            "Procedure",
            "MedicationAdministration",
            "Medication",
            "CarePlan",
            "Goal",
            "ServiceRequest",
            "DocumentReference",
            "Provenance");

    private static final String NOTE = "DocumentReference";

    @Override
    public boolean canCreate(String type) {
        return statement.canCreate(type)
                && profile.allows(type, Write.CREATE).orElse(true)
                && !profile.goesAsNote(type);
    }

    @Override
    public boolean canUpdate(String type) {
        return canCreate(type)
                && statement.canUpdate(type)
                && profile.allows(type, Write.UPDATE).orElse(true);
    }

    @Override
    public boolean canSearch(String type, String parameter) {
        if ("identifier".equals(parameter)
                && !profile.allows(type, Write.SEARCH_BY_IDENTIFIER).orElse(true)) {
            return false;
        }
        return statement.canSearch(type, parameter);
    }

    @Override
    public boolean transaction() {
        return statement.transaction() && !Boolean.FALSE.equals(profile.transaction());
    }

    /** Whether resources of the type go in as a clinical note: the profile says so, or the EHR takes only notes. */
    boolean goesAsNote(String type) {
        return !NOTE.equals(type) && !canCreate(type) && canCreate(NOTE);
    }

    /** Whether the EHR files resources of the type only under one of the patient's encounters. */
    boolean needsEncounter(String type) {
        return profile.needsEncounter(type);
    }

    /** The Condition categories (condition-category codes) the EHR takes; empty means any. */
    List<String> conditionCategories() {
        return profile.conditionCategories();
    }

    /** The one Condition verificationStatus the EHR takes on a create, if the profile names one. */
    Optional<String> conditionVerificationStatus() {
        return profile.conditionVerificationStatus();
    }

    @Override
    public EhrProfile.NoteStatus noteStatus() {
        return profile.notes().status();
    }

    /**
     * The plan for every type the bridge writes, without patient data: for example {@code EHR plan
     * (profile epic): Condition -> create, no update, categories problem-list-item; Procedure -> procedure
     * note; ...; transaction: no}.
     */
    String describe() {
        List<String> parts = new ArrayList<>();
        for (String type : WRITTEN_TYPES) {
            parts.add(type + " -> " + describe(type));
        }
        parts.add("transaction: " + (transaction() ? "yes" : "no"));
        return "EHR plan (profile " + profile.name() + "): " + String.join("; ", parts);
    }

    private String describe(String type) {
        if (canCreate(type)) {
            List<String> what = new ArrayList<>();
            what.add("create");
            what.add(canUpdate(type) ? "update by id with If-Match" : "no update");
            if (!canSearch(type, "identifier")) {
                what.add("no identifier search");
            }
            if (needsEncounter(type)) {
                what.add("needs an encounter");
            }
            if ("Condition".equals(type) && !conditionCategories().isEmpty()) {
                what.add("categories " + String.join(", ", conditionCategories()) + " (others as a note)");
            }
            if ("Condition".equals(type)) {
                conditionVerificationStatus().ifPresent(s -> what.add("sent as verificationStatus " + s));
            }
            if (NOTE.equals(type)) {
                what.add("notes " + noteStatus().code());
            }
            return String.join(", ", what);
        }
        if ("Provenance".equals(type)) {
            return "kept in the bridge's store and audit trail (with the source document's hash; the notes name the document and version)";
        }
        if ("Medication".equals(type)) {
            return "not written (the notes and resources citing it name the product)";
        }
        if (goesAsNote(type)) {
            return FallbackNote.typeFor(type).getDisplay().toLowerCase(Locale.ROOT);
        }
        return "not written (the EHR takes neither " + type + " nor notes)";
    }
}
