package org.annulus.bridge.ehr;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.annulus.bridge.ehr.EhrProfile.TypeRules;
import org.hl7.fhir.r4.model.ResourceType;

/**
 * Reads an {@link EhrProfile} from its YAML file and refuses one that contradicts itself: an unknown
 * resource type or field, a conditional write the plain write excludes, a Condition category that is
 * no condition-category code, notes on an EHR that takes no DocumentReference, a claim without a source.
 */
final class EhrProfileReader {

    static final String FOLDER = "ehr-profiles/";

    /** The condition-category codes of FHIR R4 (docs: TERMINOLOGY.md, "FHIR code systems"). */
    private static final Set<String> CONDITION_CATEGORIES = Set.of("problem-list-item", "encounter-diagnosis");

    /** FHIR R4's condition-ver-status code system, its codes and their displays (TERMINOLOGY.md, "FHIR code systems"). */
    static final String CONDITION_VER_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    static final Map<String, String> CONDITION_VER_STATUSES = Map.of(
            "unconfirmed", "Unconfirmed",
            "provisional", "Provisional",
            "differential", "Differential",
            "confirmed", "Confirmed",
            "refuted", "Refuted",
            "entered-in-error", "Entered in Error");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EhrProfileReader() {}

    static EhrProfile fromClasspath(String name) {
        String path = FOLDER + name + ".yaml";
        try (InputStream in = EhrProfileReader.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "no EHR profile '" + name + "' (classpath " + path + "); shipped: " + EhrProfile.SHIPPED);
            }
            return read(name, in);
        } catch (IOException e) {
            throw new UncheckedIOException("EHR profile " + path + " unreadable", e);
        }
    }

    static EhrProfile read(String name, InputStream yaml) {
        EhrProfile profile;
        try {
            profile = YAML.readValue(yaml, EhrProfile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "EHR profile '" + name + "' is not a valid profile: " + e.getMessage(), e);
        }
        if (profile == null) {
            throw new IllegalArgumentException("EHR profile '" + name + "' is empty");
        }
        List<String> problems = problems(name, profile);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("EHR profile '" + name + "': " + String.join("; ", problems));
        }
        return profile;
    }

    private static List<String> problems(String name, EhrProfile profile) {
        List<String> problems = new ArrayList<>();
        if (!name.equals(profile.name())) {
            problems.add("its name is '" + profile.name() + "', not its file's");
        }
        if (profile.title() == null || profile.title().isBlank()) {
            problems.add("no title");
        }
        profile.resources().forEach((type, rules) -> problems.addAll(typeProblems(type, rules)));
        if (profile.notes() == null || profile.notes().status() == null) {
            problems.add("no notes.status (preliminary or final)");
        } else {
            profile.notes().types().stream()
                    .filter(t -> !isResourceType(t))
                    .forEach(t -> problems.add("notes.types: '" + t + "' is no FHIR R4 resource type"));
            if (!profile.notes().types().isEmpty()
                    && Boolean.FALSE.equals(profile.allows("DocumentReference", EhrProfile.Write.CREATE)
                            .orElse(null))) {
                problems.add("notes.types needs DocumentReference create, which the profile refuses");
            }
        }
        if (profile.sources().isEmpty()) {
            problems.add("no sources");
        }
        profile.sources().stream()
                .filter(s -> s.url() == null || !"https".equals(s.url().getScheme()) || s.says() == null)
                .forEach(s -> problems.add("source " + s.url() + ": needs an https url and what it says"));
        profile.unverified().stream()
                .filter(claim -> !claimed(profile, claim))
                .forEach(claim -> problems.add("unverified '" + claim + "' names no claim the profile makes"));
        return problems;
    }

    private static List<String> typeProblems(String type, TypeRules rules) {
        List<String> problems = new ArrayList<>();
        if (!isResourceType(type)) {
            problems.add("'" + type + "' is no FHIR R4 resource type");
        }
        if (rules == null) {
            problems.add(type + ": no rules");
            return problems;
        }
        if (Boolean.TRUE.equals(rules.conditionalCreate()) && Boolean.FALSE.equals(rules.create())) {
            problems.add(type + ": conditional-create without create");
        }
        if (Boolean.TRUE.equals(rules.conditionalUpdate()) && Boolean.FALSE.equals(rules.update())) {
            problems.add(type + ": conditional-update without update");
        }
        if (!rules.categories().isEmpty() && !"Condition".equals(type)) {
            problems.add(type + ": categories are for Condition only");
        }
        if (rules.verificationStatus() != null && !"Condition".equals(type)) {
            problems.add(type + ": verification-status is for Condition only");
        }
        if (rules.verificationStatus() != null && !CONDITION_VER_STATUSES.containsKey(rules.verificationStatus())) {
            problems.add(type + ": verification-status '" + rules.verificationStatus()
                    + "' is no condition-ver-status code");
        }
        rules.categories().stream()
                .filter(c -> !CONDITION_CATEGORIES.contains(c))
                .forEach(c -> problems.add(type + ": category '" + c + "' is no condition-category code"));
        return problems;
    }

    /** Whether an {@code unverified} entry points at something the profile actually states. */
    private static boolean claimed(EhrProfile profile, String claim) {
        switch (claim) {
            case "transaction":
                return profile.transaction() != null;
            case "batch":
                return profile.batch() != null;
            case "notes.status", "notes.types":
                return profile.notes() != null;
            default:
                int dot = claim.indexOf('.');
                if (dot < 0) {
                    return false;
                }
                TypeRules rules = profile.resources().get(claim.substring(0, dot));
                String field = claim.substring(dot + 1);
                return rules != null && stated(rules, field);
        }
    }

    private static boolean stated(TypeRules rules, String field) {
        return switch (field) {
            case "create" -> rules.create() != null;
            case "update" -> rules.update() != null;
            case "conditional-create" -> rules.conditionalCreate() != null;
            case "conditional-update" -> rules.conditionalUpdate() != null;
            case "search-by-identifier" -> rules.searchByIdentifier() != null;
            case "needs-encounter" -> rules.needsEncounter();
            case "categories" -> !rules.categories().isEmpty();
            case "verification-status" -> rules.verificationStatus() != null;
            default -> false;
        };
    }

    private static boolean isResourceType(String type) {
        try {
            ResourceType.fromCode(type);
            return true;
        } catch (org.hl7.fhir.exceptions.FHIRException e) {
            return false;
        }
    }
}
