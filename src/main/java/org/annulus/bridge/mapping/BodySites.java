package org.annulus.bridge.mapping;

import java.util.List;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;

/**
 * Body sites with their side. A bare laterality qualifier is not a body site: a leg is sent as the
 * SNOMED CT lateralized lower-limb structure (32153003 left, 62175007 right), both legs as both
 * structures where the element repeats (Condition.bodySite) and, where it does not
 * (Observation.bodySite), as 61685007 "Lower limb structure" with the qualifier 272741003
 * "Laterality" = 51440002 "Right and left" beside it — the SNOMED CT laterality pattern (sources in
 * docs/terminology-sources.md). Follow-up leg pain uses the same sites, so it trends against the
 * baseline by code.
 */
final class BodySites {

    private BodySites() {}

    static CodeableConcept disc(DiscLevel level) {
        return new CodeableConcept(Terminology.DISC.get(level).copy()).setText(level.code() + " disc");
    }

    /** The painful leg(s) as Condition body sites: one lateralized structure per leg. */
    static List<CodeableConcept> legs(Side side) {
        return switch (side) {
            case LEFT -> List.of(leg(Side.LEFT));
            case RIGHT -> List.of(leg(Side.RIGHT));
            case BILATERAL -> List.of(leg(Side.LEFT), leg(Side.RIGHT));
        };
    }

    /** The painful leg(s) as one body site; for both legs, add {@link #laterality} to the resource too. */
    static CodeableConcept leg(Side side) {
        return switch (side) {
            case LEFT -> new CodeableConcept(Terminology.LEFT_LOWER_LIMB.copy()).setText("Left leg");
            case RIGHT -> new CodeableConcept(Terminology.RIGHT_LOWER_LIMB.copy()).setText("Right leg");
            case BILATERAL -> new CodeableConcept(Terminology.LOWER_LIMB.copy()).setText("Both legs");
        };
    }

    /** An Observation about a leg: the lateralized site, and for both legs the laterality qualifier. */
    static void onLeg(Observation obs, Side side) {
        obs.setBodySite(leg(side));
        if (side == Side.BILATERAL) {
            laterality(obs, side);
        }
    }

    /** The side as an Observation component (SNOMED 272741003 Laterality = the TERMINOLOGY.md qualifier). */
    static void laterality(Observation obs, Side side) {
        obs.addComponent()
                .setCode(new CodeableConcept(Terminology.LATERALITY_ATTRIBUTE.copy()).setText("Laterality"))
                .setValue(new CodeableConcept(Terminology.LATERALITY.get(side).copy())
                        .setText(side.name().substring(0, 1)
                                + side.name().substring(1).toLowerCase()));
    }

    static String words(Side side) {
        return switch (side) {
            case LEFT -> "left";
            case RIGHT -> "right";
            case BILATERAL -> "bilateral";
        };
    }
}
