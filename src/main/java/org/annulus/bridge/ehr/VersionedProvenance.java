package org.annulus.bridge.ehr;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Provenance of a send names every resource written with its EHR version
 * ({@code Condition/123/_history/2}), which only the server's answer tells: so it is taken out of
 * the bundle before the write and written after it, its targets resolved from the answer.
 */
final class VersionedProvenance {

    private VersionedProvenance() {}

    /** Removes the bundle's Provenance entry, if it has one, and returns it. */
    static Optional<Bundle.BundleEntryComponent> detach(Bundle bundle) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Provenance) {
                bundle.getEntry().remove(entry);
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /**
     * Points the Provenance's targets at the versions written, writes it, and returns the written
     * entries with the Provenance's added.
     */
    static List<EhrWriteResult.WrittenEntry> writeAfter(
            IGenericClient client,
            Bundle.BundleEntryComponent entry,
            Map<String, EhrWriteResult.WrittenEntry> byFullUrl,
            List<EhrWriteResult.WrittenEntry> written,
            String businessIdentifier) {
        Provenance provenance = target(entry, byFullUrl);
        var outcome = client.update()
                .resource(provenance)
                .withId(entry.getRequest().getUrl())
                .execute();
        List<EhrWriteResult.WrittenEntry> all = new ArrayList<>(written);
        all.add(new EhrWriteResult.WrittenEntry(
                "Provenance", outcome.getId().getIdPart(), outcome.getId().getVersionIdPart(), businessIdentifier));
        return all;
    }

    /** Points the Provenance's targets at the versions written ({@code Condition/123/_history/2}). */
    static Provenance target(Bundle.BundleEntryComponent entry, Map<String, EhrWriteResult.WrittenEntry> byFullUrl) {
        Map<String, String> versioned = new HashMap<>();
        byFullUrl.forEach((fullUrl, w) -> {
            String reference =
                    w.resourceType() + "/" + w.id() + (w.version() != null ? "/_history/" + w.version() : "");
            versioned.put(fullUrl, reference);
            versioned.put(w.resourceType() + "/" + w.id(), reference);
        });
        Provenance provenance = (Provenance) entry.getResource();
        List<Reference> targets = new ArrayList<>();
        for (Reference target : provenance.getTarget()) {
            // A target this send did not write (held for review) is not named: it would not resolve.
            String reference = versioned.get(target.getReference());
            if (reference != null) {
                targets.add(new Reference(reference));
            }
        }
        provenance.setTarget(targets);
        return provenance;
    }
}
