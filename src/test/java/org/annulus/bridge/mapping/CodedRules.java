package org.annulus.bridge.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * The rules a hospital coder checks first, over any bundle we send: no ICD-10-CM Excludes1 pair
 * (table in {@code test-fixtures/coded-rules/icd10cm-excludes1.csv}, with its source), the side
 * wherever it is known, and notes a clinician can read. {@link #violations} returns what breaks,
 * in words; empty means clean.
 *
 * <p>To add a case: call {@code CodedRules.violations(bundle, document)} from any test and assert it
 * is empty; every golden pair is already checked by {@link CodedRulesTest}. To require more words
 * of a note type, add a row to {@link #NOTE_TERMS}; to teach the side of another document kind,
 * extend {@link #knownSide}.
 */
public final class CodedRules {

    static final Path EXCLUDES1 = Path.of("test-fixtures", "coded-rules", "icd10cm-excludes1.csv");
    private static final String ICD = "http://hl7.org/fhir/sid/icd-10-cm";
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String COMPLICATION = "http://annulus.org/fhir/CodeSystem/procedure-complication";
    private static final String LEFT_LEG = "32153003";
    private static final String RIGHT_LEG = "62175007";
    private static final String LOWER_LIMB = "61685007";
    private static final String LATERALITY = "272741003";
    private static final Map<String, Side> QUALIFIER =
            Map.of("7771000", Side.LEFT, "24028007", Side.RIGHT, "51440002", Side.BILATERAL);
    private static final Pattern DISC_LEVEL = Pattern.compile("\\b(T12-L1|L[1-5]-L[2-5]|L5-S1)\\b");

    /**
     * Words every note of a LOINC type must contain (case-insensitive), each group one-of. The
     * side and level are checked separately, where known.
     */
    static final Map<String, List<List<String>>> NOTE_TERMS = Map.of(
            "11488-4",
                    List.of(
                            List.of("annular tear", "sciatica", "leg pain", "back pain"),
                            List.of("decision: candidate", "decision: not a candidate", "decision: refer")),
            // the follow-up's progress note: findings, adverse events (or none), plan
            "11506-3", List.of(List.of("leg pain"), List.of("adverse events:"), List.of("plan:")));

    record Excludes1(String a, String b, String note, String source) {

        boolean matches(String code, String pattern) {
            return pattern.endsWith("-")
                    ? code.startsWith(pattern.substring(0, pattern.length() - 1))
                    : code.equals(pattern);
        }

        boolean violatedBy(Set<String> codes) {
            return codes.stream().anyMatch(x -> matches(x, a)) && codes.stream().anyMatch(y -> matches(y, b));
        }
    }

    private CodedRules() {}

    static List<Excludes1> excludes1() {
        try {
            return Files.readAllLines(EXCLUDES1, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(CodedRules::row)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** code_a,code_b,"note","source" */
    private static Excludes1 row(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return new Excludes1(cells.get(0), cells.get(1), cells.get(2), cells.get(3));
    }

    /** The side of the leg pain a document states, if it states one. */
    static Optional<Side> knownSide(ClinicalDocument document) {
        if (document instanceof CandidacyAssessment c) {
            return c.leg().map(CandidacyAssessment.LegPain::side);
        }
        if (document instanceof org.annulus.bridge.document.RecoveryMilestone m) {
            return Optional.ofNullable(m.legPainSide());
        }
        return Optional.empty();
    }

    public static List<String> violations(Bundle bundle, ClinicalDocument source) {
        List<String> found = new ArrayList<>(excludes1Violations(bundle));
        found.addAll(lateralityViolations(bundle, knownSide(source)));
        found.addAll(noteViolations(bundle, knownSide(source)));
        found.addAll(complicationViolations(bundle));
        return found;
    }

    /**
     * Every complication of a Procedure and every adverse event of a milestone is its own Condition
     * in the bundle, and a Procedure links each of its complications (complicationDetail).
     */
    static List<String> complicationViolations(Bundle bundle) {
        List<String> found = new ArrayList<>();
        Map<String, Resource> byUrl = new java.util.HashMap<>();
        bundle.getEntry().forEach(e -> byUrl.put(e.getFullUrl(), e.getResource()));
        Set<String> conditionCodes = resources(bundle).stream()
                .filter(Condition.class::isInstance)
                .map(Condition.class::cast)
                .flatMap(c -> c.getCode().getCoding().stream())
                .filter(c -> COMPLICATION.equals(c.getSystem()))
                .map(Coding::getCode)
                .collect(Collectors.toSet());
        for (Resource r : resources(bundle)) {
            if (r instanceof org.hl7.fhir.r4.model.Procedure p) {
                if (p.getComplicationDetail().size() != p.getComplication().size()) {
                    found.add("Procedure with " + p.getComplication().size() + " complications links "
                            + p.getComplicationDetail().size() + " Conditions");
                }
                // A literal (urn:uuid) link must resolve in the bundle; a logical one names another document's
                // Condition.
                p.getComplicationDetail().stream()
                        .filter(ref -> ref.hasReference() && !(byUrl.get(ref.getReference()) instanceof Condition))
                        .forEach(ref -> found.add(
                                "complicationDetail " + ref.getReference() + " is not a Condition of the bundle"));
            }
            if (r instanceof Observation o) {
                o.getComponent().stream()
                        .flatMap(k -> k.getCode().getCoding().stream())
                        .filter(c -> COMPLICATION.equals(c.getSystem()) && !conditionCodes.contains(c.getCode()))
                        .forEach(c -> found.add("adverse event " + c.getCode() + " has no Condition"));
            }
        }
        return found;
    }

    static List<String> excludes1Violations(Bundle bundle) {
        Set<String> codes = new HashSet<>();
        for (Resource r : resources(bundle)) {
            if (r instanceof Condition c && !enteredInError(c)) {
                c.getCode().getCoding().stream()
                        .filter(x -> ICD.equals(x.getSystem()))
                        .map(Coding::getCode)
                        .forEach(codes::add);
            }
        }
        return excludes1().stream()
                .filter(e -> e.violatedBy(codes))
                .map(e -> "Excludes1 " + e.a() + " with " + e.b() + " among " + new java.util.TreeSet<>(codes) + ": "
                        + e.note())
                .toList();
    }

    static List<String> lateralityViolations(Bundle bundle, Optional<Side> side) {
        List<String> found = new ArrayList<>();
        for (Resource r : resources(bundle)) {
            if (r instanceof Condition c) {
                Set<String> icd = c.getCode().getCoding().stream()
                        .filter(x -> ICD.equals(x.getSystem()))
                        .map(Coding::getCode)
                        .collect(Collectors.toSet());
                Optional<Side> site = side(c.getBodySite(), List.of());
                if (icd.contains("M54.31") && site.filter(s -> s != Side.LEFT).isEmpty()) {
                    found.add("Condition coded M54.31 (right) without a right lower-limb body site");
                }
                if (icd.contains("M54.32") && site.filter(s -> s != Side.RIGHT).isEmpty()) {
                    found.add("Condition coded M54.32 (left) without a left lower-limb body site");
                }
                boolean sciatica = c.getCode().getCoding().stream().anyMatch(x -> "23056005".equals(x.getCode()));
                if (sciatica && side.isPresent() && !site.equals(side)) {
                    found.add("sciatica Condition laterality "
                            + site.map(Enum::name).orElse("missing") + ", document says " + side.get());
                }
                c.getBodySite().stream()
                        .filter(CodedRules::bareQualifier)
                        .forEach(b -> found.add("Condition bodySite is a bare laterality qualifier"));
            }
            if (r instanceof Observation o && o.hasBodySite()) {
                if (bareQualifier(o.getBodySite())) {
                    found.add("Observation bodySite is a bare laterality qualifier");
                }
                boolean leg = isLeg(o.getBodySite());
                Optional<Side> site = side(
                        List.of(o.getBodySite()),
                        o.getComponent().stream()
                                .filter(k ->
                                        k.getCode().getCoding().stream().anyMatch(x -> LATERALITY.equals(x.getCode())))
                                .map(k -> k.getValueCodeableConcept())
                                .toList());
                // A milestone (v1) does not state the side; extend knownSide when the follow-up does.
                if (leg && site.isEmpty() && side.isPresent()) {
                    found.add("Observation on a leg without a side: "
                            + o.getCode().getText());
                }
                boolean legPain = o.getCode().getCoding().stream().anyMatch(x -> "72514-3".equals(x.getCode())) && leg;
                if (legPain && side.isPresent() && !site.equals(side)) {
                    found.add("leg pain Observation laterality "
                            + site.map(Enum::name).orElse("missing") + ", document says " + side.get());
                }
            }
        }
        return found;
    }

    static List<String> noteViolations(Bundle bundle, Optional<Side> side) {
        List<String> found = new ArrayList<>();
        for (Resource r : resources(bundle)) {
            if (!(r instanceof DocumentReference note)) {
                continue;
            }
            String type = note.getType().getCodingFirstRep().getCode();
            String text = note.getContent().stream()
                    .filter(c -> c.getAttachment().hasData())
                    .map(c -> new String(c.getAttachment().getData(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("\n"));
            String narrative = note.hasText() ? note.getText().getDivAsString() : "";
            if (text.isBlank() || narrative.isBlank()) {
                found.add("note " + type + " has no readable text (attachment and narrative)");
                continue;
            }
            String lower = text.toLowerCase();
            for (List<String> group : NOTE_TERMS.getOrDefault(type, List.of())) {
                if (group.stream().noneMatch(lower::contains)) {
                    found.add("note " + type + " names none of " + group);
                }
            }
            side.ifPresent(s -> {
                if (!lower.contains(s.name().toLowerCase())) {
                    found.add("note " + type + " does not name the side "
                            + s.name().toLowerCase());
                }
            });
            boolean levelsInBundle = resources(bundle).stream()
                    .anyMatch(x -> x instanceof Observation o
                            && o.hasBodySite()
                            && o.getBodySite().getCoding().stream()
                                    .anyMatch(c -> c.getDisplay() != null
                                            && c.getDisplay().endsWith(" disc")));
            if (levelsInBundle && !DISC_LEVEL.matcher(text).find()) {
                found.add("note " + type + " names no disc level");
            }
        }
        return found;
    }

    private static boolean enteredInError(Condition c) {
        return c.getVerificationStatus().getCoding().stream().anyMatch(x -> "entered-in-error".equals(x.getCode()));
    }

    private static boolean bareQualifier(CodeableConcept site) {
        return site.getCoding().stream()
                .anyMatch(x -> SNOMED.equals(x.getSystem()) && QUALIFIER.containsKey(x.getCode()));
    }

    private static boolean isLeg(CodeableConcept site) {
        return site.getCoding().stream()
                        .anyMatch(x -> List.of(LEFT_LEG, RIGHT_LEG, LOWER_LIMB).contains(x.getCode()))
                || site.getText() != null && site.getText().toLowerCase().contains("leg");
    }

    /** The side a set of body sites (and laterality qualifiers) states: both legs coded = bilateral. */
    private static Optional<Side> side(List<CodeableConcept> sites, List<CodeableConcept> qualifiers) {
        boolean left = false;
        boolean right = false;
        for (CodeableConcept site : sites) {
            left |= site.getCoding().stream().anyMatch(x -> LEFT_LEG.equals(x.getCode()));
            right |= site.getCoding().stream().anyMatch(x -> RIGHT_LEG.equals(x.getCode()));
        }
        for (CodeableConcept q : qualifiers) {
            for (Coding c : q.getCoding()) {
                Side s = QUALIFIER.get(c.getCode());
                left |= s == Side.LEFT || s == Side.BILATERAL;
                right |= s == Side.RIGHT || s == Side.BILATERAL;
            }
        }
        return left && right
                ? Optional.of(Side.BILATERAL)
                : left ? Optional.of(Side.LEFT) : right ? Optional.of(Side.RIGHT) : Optional.empty();
    }

    private static List<Resource> resources(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .toList();
    }
}
