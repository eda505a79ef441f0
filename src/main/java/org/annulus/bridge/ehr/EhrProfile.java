package org.annulus.bridge.ehr;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a kind of EHR takes from the bridge where its CapabilityStatement is silent or says too much: the
 * hospital IT's override, shipped as documented data ({@code ehr-profiles/<name>.yaml}, chosen by
 * {@code bridge.ehr.profile}), each claim with the vendor page it comes from. A write the profile does not
 * mention is planned from the CapabilityStatement alone.
 *
 * @param name        the profile's name, as in {@code bridge.ehr.profile} and its file name
 * @param title       what it describes, for start-up and health output
 * @param transaction whether the EHR takes transaction Bundles; null: as the CapabilityStatement says
 * @param batch       whether it takes batch Bundles; null: as the CapabilityStatement says
 * @param resources   per resource type, what it takes of that type
 * @param notes       which types go as clinical notes, and with which document status
 * @param sources     the public pages the claims come from
 * @param unverified  claims no source backs ({@code "transaction"}, {@code "Condition.update"},
 *                    {@code "notes.status"}): to check against the hospital's EHR before going live
 */
public record EhrProfile(
        String name,
        String title,
        Boolean transaction,
        Boolean batch,
        Map<String, TypeRules> resources,
        Notes notes,
        List<Source> sources,
        List<String> unverified) {

    /** The profiles shipped with the bridge. */
    public static final List<String> SHIPPED = List.of("hapi", "epic", "oracle-health", "generic");

    public EhrProfile {
        resources = resources == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(resources));
        sources = sources == null ? List.of() : List.copyOf(sources);
        unverified = unverified == null ? List.of() : List.copyOf(unverified);
    }

    /** A shipped profile, read from the classpath and checked; fails on a missing or inconsistent file. */
    public static EhrProfile named(String name) {
        return EhrProfileReader.fromClasspath(name);
    }

    /** What the profile says of a write of that type: empty when it leaves it to the CapabilityStatement. */
    public Optional<Boolean> allows(String type, Write write) {
        TypeRules rules = resources.get(type);
        return rules == null ? Optional.empty() : Optional.ofNullable(write.of(rules));
    }

    /** Whether the EHR needs an encounter on resources of the type (Epic files vitals to an encounter). */
    public boolean needsEncounter(String type) {
        TypeRules rules = resources.get(type);
        return rules != null && rules.needsEncounter();
    }

    /** The Condition categories the EHR accepts; empty means any. */
    public List<String> conditionCategories() {
        TypeRules rules = resources.get("Condition");
        return rules == null ? List.of() : rules.categories();
    }

    /**
     * The only Condition verificationStatus (condition-ver-status code) the EHR takes on a create; empty
     * means any (Epic's Condition.Create takes {@code provisional} only: a clinician confirms it).
     */
    public Optional<String> conditionVerificationStatus() {
        TypeRules rules = resources.get("Condition");
        return rules == null ? Optional.empty() : Optional.ofNullable(rules.verificationStatus());
    }

    /** Whether resources of the type are written as a clinical note instead of as structured data. */
    public boolean goesAsNote(String type) {
        return notes.types().contains(type);
    }

    /** The writes a profile can allow or refuse per type. */
    public enum Write {
        CREATE,
        UPDATE,
        CONDITIONAL_CREATE,
        CONDITIONAL_UPDATE,
        SEARCH_BY_IDENTIFIER;

        Boolean of(TypeRules rules) {
            return switch (this) {
                case CREATE -> rules.create();
                case UPDATE -> rules.update();
                case CONDITIONAL_CREATE -> rules.conditionalCreate();
                case CONDITIONAL_UPDATE -> rules.conditionalUpdate();
                case SEARCH_BY_IDENTIFIER -> rules.searchByIdentifier();
            };
        }
    }

    /**
     * What the EHR takes of one resource type; a null write means "as the CapabilityStatement says".
     *
     * @param needsEncounter whether a resource of the type is refused without an encounter
     * @param categories     for Condition: the categories accepted (condition-category codes); empty means any
     * @param verificationStatus for Condition: the one verificationStatus accepted (condition-ver-status
     *                       code); null means any
     */
    public record TypeRules(
            Boolean create,
            Boolean update,
            Boolean conditionalCreate,
            Boolean conditionalUpdate,
            Boolean searchByIdentifier,
            boolean needsEncounter,
            List<String> categories,
            String verificationStatus) {

        public TypeRules {
            categories = categories == null ? List.of() : List.copyOf(categories);
        }
    }

    /**
     * @param types  resource types always written as a note (a type the EHR cannot create goes as a note too)
     * @param status the note's {@code docStatus}: preliminary where a clinician signs what a system wrote
     */
    public record Notes(List<String> types, NoteStatus status) {

        public Notes {
            types = types == null ? List.of() : List.copyOf(types);
        }
    }

    /** DocumentReference.docStatus of the notes the bridge writes (composition-status codes). */
    public enum NoteStatus {
        PRELIMINARY,
        FINAL;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A public page a profile's claims come from, and what it says. */
    public record Source(URI url, String says) {}
}
