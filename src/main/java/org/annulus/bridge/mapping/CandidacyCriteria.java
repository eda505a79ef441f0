package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.Criteria;
import org.annulus.bridge.document.CandidacyAssessment.Decision;
import org.annulus.bridge.document.CandidacyAssessment.ImagingFinding;
import org.annulus.bridge.document.DiscLevel;

/**
 * The criteria of the fibrin candidacy decision as the clinician stated them, and the bridge's
 * consistency checks. The bridge never computes a criterion: what the document does not state is
 * not recorded (a v1 document states only the three exclusions). The checks only warn; the
 * warnings go into the document's tracking history beside the clinician's unchanged judgement.
 */
final class CandidacyCriteria {

    /**
     * Nerve roots a tear at each disc can irritate: the traversing and the exiting root. Anatomy,
     * used only to warn when no torn target level fits the dermatomes.
     */
    private static final Map<DiscLevel, List<String>> ROOTS = Map.of(
            DiscLevel.T12_L1, List.of("L1", "T12"),
            DiscLevel.L1_L2, List.of("L2", "L1"),
            DiscLevel.L2_L3, List.of("L3", "L2"),
            DiscLevel.L3_L4, List.of("L4", "L3"),
            DiscLevel.L4_L5, List.of("L5", "L4"),
            DiscLevel.L5_S1, List.of("S1", "L5"));

    private CandidacyCriteria() {}

    /** Criterion code (candidacy-criterion CodeSystem), display and the clinician's answer. */
    record Criterion(String code, String display, boolean met) {}

    /** Only what the document states, in a fixed order. */
    static List<Criterion> stated(CandidacyAssessment doc) {
        List<Criterion> all = new ArrayList<>();
        Criteria criteria = doc.determination().criteria();
        if (criteria != null) {
            add(
                    all,
                    "tear-at-concordant-level",
                    "Annular tear at a level concordant with the leg pain",
                    criteria.tearAtConcordantLevel());
            add(all, "disc-height-preserved", "Disc height reasonably preserved", criteria.discHeightPreserved());
            add(all, "conservative-care-failed", "Failure of conservative care", criteria.conservativeCareFailed());
        }
        add(
                all,
                "stenosis-with-progressive-deficit",
                "Severe spinal stenosis with progressive neurologic deficit",
                doc.exclusions().severeStenosisWithProgressiveDeficit());
        add(
                all,
                "facet-joint-pain",
                "Facet joint mediated pain",
                doc.exclusions().facetMediatedPain());
        add(
                all,
                "sacroiliac-joint-pain",
                "Sacroiliac joint pain",
                doc.exclusions().sacroiliacPain());
        if (doc.redFlags() != null) {
            add(
                    all,
                    "cauda-equina-signs",
                    "Signs of cauda equina syndrome",
                    doc.redFlags().caudaEquinaSigns());
            add(
                    all,
                    "progressive-neurologic-deficit",
                    "Progressive neurologic deficit",
                    doc.redFlags().progressiveNeurologicDeficit());
        }
        if (doc.contraindications() != null) {
            var c = doc.contraindications();
            add(all, "contraindication-active-infection", "Active infection", c.activeInfection());
            add(
                    all,
                    "contraindication-anticoagulation-or-bleeding-disorder",
                    "Anticoagulation or bleeding disorder",
                    c.anticoagulationOrBleedingDisorder());
            add(all, "contraindication-pregnancy", "Pregnancy", c.pregnancy());
            add(
                    all,
                    "contraindication-fibrin-sealant-allergy",
                    "Allergy to a fibrin-sealant component",
                    c.fibrinSealantAllergy());
        }
        if (doc.consent() != null) {
            add(
                    all,
                    "informed-consent",
                    "Informed consent to the injection obtained",
                    doc.consent().obtained());
        }
        return all;
    }

    private static void add(List<Criterion> all, String code, String display, Boolean met) {
        if (met != null) {
            all.add(new Criterion(code, display, met));
        }
    }

    /** Codes of the criteria whose "true" speaks against the injection. */
    private static boolean against(Criterion c) {
        return c.code().startsWith("contraindication-")
                || List.of(
                                "stenosis-with-progressive-deficit",
                                "facet-joint-pain",
                                "sacroiliac-joint-pain",
                                "cauda-equina-signs",
                                "progressive-neurologic-deficit")
                        .contains(c.code());
    }

    /**
     * Where the document contradicts itself. Worded without patient data: the text goes into the
     * tracking history and its API.
     */
    static List<String> warnings(CandidacyAssessment doc) {
        List<String> warnings = new ArrayList<>();
        boolean candidate = doc.determination().decision() == Decision.CANDIDATE;
        for (Criterion c : stated(doc)) {
            boolean contradicts = c.code().equals("informed-consent") ? false : against(c) ? c.met() : !c.met();
            if (candidate && contradicts) {
                warnings.add("decision is candidate while criterion " + c.code() + " is " + c.met());
            }
        }
        if (candidate && doc.leg().isEmpty()) {
            warnings.add("decision is candidate without leg pain (axial pain only)");
        }
        List<DiscLevel> torn = tornLevels(doc);
        for (DiscLevel level : doc.determination().targetLevels()) {
            if (!torn.contains(level)) {
                warnings.add("target level " + level.code() + " has no annular tear on imaging");
            }
        }
        doc.leg().filter(CandidacyAssessment.LegPain::dermatomal).ifPresent(leg -> {
            List<DiscLevel> levels = doc.determination().targetLevels().isEmpty()
                    ? torn
                    : doc.determination().targetLevels();
            boolean anyFits =
                    levels.stream().anyMatch(l -> ROOTS.get(l).stream().anyMatch(leg.dermatomes()::contains));
            if (!levels.isEmpty() && !anyFits) {
                warnings.add("no torn or target level ("
                        + String.join(", ", levels.stream().map(DiscLevel::code).toList())
                        + ") matches the leg-pain dermatomes (" + String.join(", ", leg.dermatomes()) + ")");
            }
        });
        doc.leg().filter(l -> Boolean.TRUE.equals(l.attributedToDisc())).ifPresent(l -> {
            if (doc.exclusions().facetMediatedPain() || doc.exclusions().sacroiliacPain()) {
                warnings.add("leg pain attributed to the disc while facet or sacroiliac origin is recorded");
            }
        });
        return warnings;
    }

    static List<DiscLevel> tornLevels(CandidacyAssessment doc) {
        return doc.imaging().stream()
                .flatMap(s -> s.findings().stream())
                .filter(ImagingFinding::annularTear)
                .map(ImagingFinding::level)
                .distinct()
                .sorted()
                .toList();
    }
}
