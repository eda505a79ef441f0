package org.annulus.bridge.mapping;

import java.util.Optional;
import org.annulus.bridge.document.Side;

/**
 * Where an annular tear sits, in the axial-plane zones of the lumbar disc nomenclature (Fardon et
 * al., Spine 2014: central, subarticular, foraminal, extraforaminal, anterior; the three lateral
 * zones with a side). The v1 terms map to their zone: posterior-central is the central zone,
 * posterolateral the subarticular zone of that side; the document's own term stays in the text.
 */
record TearZone(String zone, Side side, String documentTerm) {

    static Optional<TearZone> parse(String location) {
        if (location == null) {
            return Optional.empty();
        }
        Side side = location.endsWith("-left") ? Side.LEFT : location.endsWith("-right") ? Side.RIGHT : null;
        String base = side == null ? location : location.substring(0, location.lastIndexOf('-'));
        String zone =
                switch (base) {
                    case "posterior-central", "central" -> "central";
                    case "posterolateral", "subarticular" -> "subarticular";
                    case "foraminal" -> "foraminal";
                    case "extraforaminal" -> "extraforaminal";
                    case "anterior" -> "anterior";
                    default -> throw new IllegalArgumentException("unknown tear location");
                };
        return Optional.of(new TearZone(zone, side, location));
    }

    /** Code in our annulus-clinical CodeSystem: {@code tear-zone-<zone>}. */
    String code() {
        return "tear-zone-" + zone;
    }

    String display() {
        return zone.substring(0, 1).toUpperCase() + zone.substring(1) + " zone";
    }

    /** e.g. "left foraminal zone" or "central zone". */
    String words() {
        return (side == null ? "" : BodySites.words(side) + " ") + zone + " zone";
    }
}
