package org.annulus.bridge.mapping;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.ImagingFinding;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.Side;

/**
 * The six criteria of the fibrin candidacy decision (DOMAIN.md), read off the assessment. They
 * document the evidence beside the clinic's decision; the decision itself is the clinic's.
 */
record CandidacyCriteria(boolean tearAtConcordantLevel, boolean discHeightPreserved, boolean conservativeCareFailed,
        boolean stenosisWithProgressiveDeficit, boolean facetPain, boolean sacroiliacPain) {

    /**
     * The clinic protocol's reading of "disc height reasonably preserved": at least half the
     * expected height at the torn level.
     */
    static final BigDecimal HEIGHT_PRESERVED_MIN_PERCENT = BigDecimal.valueOf(50);

    /** Nerve roots a tear at each disc affects: [traversing, exiting]. */
    private static final Map<DiscLevel, List<String>> ROOTS = Map.of(
            DiscLevel.T12_L1, List.of("L1", "T12"),
            DiscLevel.L1_L2, List.of("L2", "L1"),
            DiscLevel.L2_L3, List.of("L3", "L2"),
            DiscLevel.L3_L4, List.of("L4", "L3"),
            DiscLevel.L4_L5, List.of("L5", "L4"),
            DiscLevel.L5_S1, List.of("S1", "L5"));

    static CandidacyCriteria of(CandidacyAssessment doc) {
        List<ImagingFinding> tears = doc.imaging().stream().flatMap(s -> s.findings().stream())
                .filter(ImagingFinding::annularTear).toList();
        List<ImagingFinding> concordant = tears.stream().filter(t -> concordant(t, doc.legPain())).toList();
        boolean heightPreserved = !concordant.isEmpty() && concordant.stream()
                .allMatch(t -> t.discHeightPreservedPercent() != null
                        && t.discHeightPreservedPercent().compareTo(HEIGHT_PRESERVED_MIN_PERCENT) >= 0);
        return new CandidacyCriteria(!concordant.isEmpty(), heightPreserved,
                "failed".equals(doc.conservativeCare().outcome()),
                doc.exclusions().severeStenosisWithProgressiveDeficit(),
                doc.exclusions().facetMediatedPain(),
                doc.exclusions().sacroiliacPain());
    }

    /**
     * A central or posterolateral tear irritates the traversing root, a foraminal one the exiting
     * root; the tear must also be on the painful side (a central tear fits either side).
     */
    static boolean concordant(ImagingFinding tear, CandidacyAssessment.LegPain pain) {
        String location = tear.tearLocation() == null ? "posterior-central" : tear.tearLocation();
        List<String> roots = ROOTS.get(tear.level());
        String root = location.contains("foraminal") ? roots.get(1) : roots.get(0);
        boolean sideFits = pain.side() == Side.BILATERAL
                || !(location.endsWith("-left") || location.endsWith("-right"))
                || location.endsWith(pain.side() == Side.LEFT ? "-left" : "-right");
        return sideFits && pain.dermatomes().contains(root);
    }

    /** Criterion code (candidacy-criterion CodeSystem), display and value, in a fixed order. */
    List<Criterion> asList() {
        return List.of(
                new Criterion("tear-at-concordant-level", "Annular tear at a level concordant with the leg pain",
                        tearAtConcordantLevel),
                new Criterion("disc-height-preserved", "Disc height reasonably preserved", discHeightPreserved),
                new Criterion("conservative-care-failed", "Failure of conservative care", conservativeCareFailed),
                new Criterion("stenosis-with-progressive-deficit",
                        "Severe spinal stenosis with progressive neurologic deficit", stenosisWithProgressiveDeficit),
                new Criterion("facet-joint-pain", "Facet joint mediated pain", facetPain),
                new Criterion("sacroiliac-joint-pain", "Sacroiliac joint pain", sacroiliacPain));
    }

    record Criterion(String code, String display, boolean met) {
    }
}
