package org.annulus.bridge.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * The status an amendment gives each resource: {@code amended} only where the content changed.
 * The mappers mark every Observation and note of an amended document {@code amended} (they see one
 * version); this compares with what each earlier version produced, oldest first, so a resource the
 * amendment left alone keeps the status it had (usually {@code final}), and one changed in version 2
 * but not in version 3 stays {@code amended}. Pure: bundles in, bundle out.
 *
 * <p>Content is the resource without its status, its narrative (which names the source version) and
 * its meta. Only Observation.status and DocumentReference.docStatus have an {@code amended} value
 * among the types we write; Conditions, Procedures and the plan have none to restore.
 */
final class Amendments {

    private static final IParser JSON = FhirContext.forR4Cached().newJsonParser();

    private Amendments() {}

    /**
     * @param current the mapped bundle of the version being sent (changed in place and returned)
     * @param earlier mapped bundles of the earlier versions, oldest first
     */
    static Bundle apply(Bundle current, List<Bundle> earlier) {
        Map<String, Known> known = new HashMap<>();
        for (Bundle version : earlier) {
            settle(version, known);
        }
        settle(current, known);
        return current;
    }

    /** What an earlier version left in the EHR: its content and the status it was sent with. */
    private record Known(String content, String status) {}

    private static void settle(Bundle version, Map<String, Known> known) {
        for (Bundle.BundleEntryComponent entry : version.getEntry()) {
            Resource resource = entry.getResource();
            Optional<String> id = Retraction.businessIdentifier(resource);
            Optional<String> status = amendableStatus(resource);
            if (id.isEmpty() || status.isEmpty()) {
                continue;
            }
            String content = content(resource);
            Known before = known.get(id.get());
            if ("amended".equals(status.get())
                    && before != null
                    && before.content().equals(content)
                    && !"entered-in-error".equals(before.status())) {
                setStatus(resource, before.status());
            }
            known.put(id.get(), new Known(content, amendableStatus(resource).orElseThrow()));
        }
    }

    private static Optional<String> amendableStatus(Resource resource) {
        if (resource instanceof Observation o && o.hasStatus()) {
            return Optional.of(o.getStatus().toCode());
        }
        if (resource instanceof DocumentReference d && d.hasDocStatus()) {
            return Optional.of(d.getDocStatus().toCode());
        }
        return Optional.empty();
    }

    private static void setStatus(Resource resource, String status) {
        if (resource instanceof Observation o) {
            o.setStatus(Observation.ObservationStatus.fromCode(status));
        } else if (resource instanceof DocumentReference d) {
            d.setDocStatus(DocumentReference.ReferredDocumentStatus.fromCode(status));
        }
    }

    private static String content(Resource resource) {
        Resource copy = resource.copy();
        copy.setMeta(null);
        if (copy instanceof Observation o) {
            o.setStatus(null);
            o.setText(null);
        } else if (copy instanceof DocumentReference d) {
            d.setDocStatus(null);
            d.setText(null);
        }
        return JSON.encodeResourceToString(copy);
    }
}
