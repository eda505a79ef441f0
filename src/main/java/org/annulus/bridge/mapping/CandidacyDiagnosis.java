package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.CandidacyAssessment.Decision;
import org.annulus.bridge.document.CandidacyAssessment.LegPain;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;

/**
 * The diagnosis behind the leg pain, coded without an ICD-10-CM Excludes1 conflict
 * (../shared/TERMINOLOGY.md, "Excludes1"):
 * <ul>
 * <li>leg pain the clinician attributes to the disc: sciatica due to an intervertebral disc disorder,
 * ICD-10-CM M51.15 / M51.16 / M51.17 by the region of the disc level (M51.1- includes it), never
 * M54.3x; linked to the annular-tear finding(s) by {@code condition-dueTo};</li>
 * <li>radicular leg pain not attributed to a disc: sciatica, M54.31 / M54.32 by side (both for
 * bilateral, as ICD-10-CM has no bilateral code);</li>
 * <li>no sciatica at all for non-dermatomal (referred) leg pain, for leg pain the clinician puts down
 * to the facet or sacroiliac joint, and for axial back pain alone: the leg-pain score and the
 * excluding Condition carry what is known.</li>
 * </ul>
 * A v1 document has no attribution field: there the decision {@code candidate} is the clinician's
 * attribution (candidacy means a tear at a level matching the leg pain, DOMAIN.md), any other
 * decision is not, and the Condition's note says it was derived so.
 */
final class CandidacyDiagnosis {

    static final String PART = CandidacyMapper.SCIATICA;
    private static final String DUE_TO = "http://hl7.org/fhir/StructureDefinition/condition-dueTo";

    private CandidacyDiagnosis() {}

    /** Whether the clinician's documentation makes the leg pain sciatica, and if so whether disc-caused. */
    record Attribution(boolean toDisc, boolean derived, List<DiscLevel> levels) {}

    static Optional<Attribution> attribution(CandidacyAssessment doc) {
        Optional<LegPain> leg = doc.leg();
        if (leg.isEmpty() || !leg.get().dermatomal()) {
            return Optional.empty();
        }
        Boolean stated = leg.get().attributedToDisc();
        boolean jointOrigin =
                doc.exclusions().facetMediatedPain() || doc.exclusions().sacroiliacPain();
        if (!Boolean.TRUE.equals(stated) && jointOrigin) {
            return Optional.empty();
        }
        boolean toDisc = stated != null ? stated : doc.determination().decision() == Decision.CANDIDATE;
        List<DiscLevel> levels = doc.determination().targetLevels().isEmpty()
                ? CandidacyCriteria.tornLevels(doc)
                : doc.determination().targetLevels();
        return Optional.of(new Attribution(toDisc, stated == null, toDisc ? levels : List.of()));
    }

    /** ICD-10-CM M51.1x by region: thoracolumbar T12-L1, lumbar L1-L2 to L4-L5, lumbosacral L5-S1. */
    static Coding discRadiculopathy(DiscLevel level) {
        return switch (level) {
            case T12_L1 -> Terminology.DISC_RADICULOPATHY_THORACOLUMBAR;
            case L5_S1 -> Terminology.DISC_RADICULOPATHY_LUMBOSACRAL;
            default -> Terminology.DISC_RADICULOPATHY_LUMBAR;
        };
    }

    static Condition condition(
            DocumentParts parts,
            CandidacyAssessment doc,
            Attribution attribution,
            Map<DiscLevel, List<Reference>> tearImages,
            List<Reference> examEvidence,
            DateTimeType assessed) {
        LegPain leg = doc.legPain();
        CodeableConcept code = new CodeableConcept().addCoding(Terminology.SCIATICA.copy());
        String levels = String.join(
                ", ", attribution.levels().stream().map(DiscLevel::code).toList());
        String where = BodySites.words(leg.side()) + " leg, " + String.join(", ", leg.dermatomes()) + " dermatome"
                + (leg.dermatomes().size() > 1 ? "s" : "");
        if (attribution.toDisc()) {
            Set<String> seen = new LinkedHashSet<>();
            attribution.levels().stream()
                    .map(CandidacyDiagnosis::discRadiculopathy)
                    .filter(c -> seen.add(c.getCode()))
                    .forEach(c -> code.addCoding(c.copy()));
            code.setText("Sciatica due to intervertebral disc disorder" + (levels.isEmpty() ? "" : " at " + levels)
                    + " (radiculopathy), " + where);
        } else {
            // ICD-10-CM has no bilateral sciatica code: both sides are coded (TERMINOLOGY.md).
            if (leg.side() != Side.LEFT) {
                code.addCoding(Terminology.SCIATICA_RIGHT.copy());
            }
            if (leg.side() != Side.RIGHT) {
                code.addCoding(Terminology.SCIATICA_LEFT.copy());
            }
            code.setText("Sciatica, " + where + ", not attributed to a disc disorder");
        }
        Condition condition = Conditions.problem(parts, PART, code, assessed);
        BodySites.legs(leg.side()).forEach(condition::addBodySite);
        if (leg.onset() != null) {
            condition.setOnset(new DateTimeType(leg.onset().toString()));
        }
        List<Reference> evidence = new ArrayList<>();
        for (DiscLevel level : attribution.levels()) {
            if (tearImages.containsKey(level)) {
                condition.addExtension(DUE_TO, parts.ref(CandidacyMapper.tearPart(level)));
                evidence.addAll(tearImages.get(level));
            }
        }
        evidence.add(parts.ref(Observations.LEG_PAIN));
        evidence.addAll(examEvidence);
        condition.addEvidence().setDetail(evidence);
        String basis = attribution.toDisc()
                ? "Attributed to the disc"
                        + (attribution.derived()
                                ? " (derived from the decision 'candidate'; the" + " document states no attribution)"
                                : " by the clinician")
                : "Not attributed to a disc disorder"
                        + (attribution.derived()
                                ? " (derived: the decision is not"
                                        + " 'candidate' and the document states no attribution)"
                                : " by the clinician");
        if (attribution.derived()) {
            condition.addNote().setText(basis);
        }
        condition.setText(DocumentParts.narrative(
                code.getText(),
                "Onset: " + (leg.onset() == null ? "not recorded" : leg.onset()),
                "Leg pain " + leg.nrs() + "/10",
                basis,
                parts.sourceLine()));
        return condition;
    }
}
