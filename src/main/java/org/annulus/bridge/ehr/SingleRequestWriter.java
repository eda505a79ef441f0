package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * For an EHR without transactions: the bundle's entries one request at a time, each still
 * conditional (so a resend after a crash finds what the first try wrote), in an order where every
 * entry comes after the entries it references, whose server ids replace the {@code urn:uuid}s.
 */
@Component
class SingleRequestWriter {

    private final FhirContext fhir;

    SingleRequestWriter(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** Returns, per entry in bundle order, the server's {@code Type/id/_history/version}. */
    List<IIdType> write(IGenericClient client, Bundle bundle) {
        Map<String, IIdType> written = new HashMap<>();
        LinkedList<Bundle.BundleEntryComponent> pending = new LinkedList<>(bundle.getEntry());
        while (!pending.isEmpty()) {
            Bundle.BundleEntryComponent next = pending.stream()
                    .filter(e -> unresolved(e.getResource(), bundle, written) == 0)
                    .findFirst()
                    .orElse(pending.getFirst()); // a reference cycle: write it; unresolved refs stay as they are
            pending.remove(next);
            Resource resource = next.getResource().copy();
            for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                IIdType target = written.get(ref.getReference());
                if (target != null) {
                    ref.setReference(target.toUnqualifiedVersionless().getValue());
                }
            }
            written.put(next.getFullUrl(), send(client, next, resource));
        }
        List<IIdType> ids = new ArrayList<>();
        bundle.getEntry().forEach(e -> ids.add(written.get(e.getFullUrl())));
        return ids;
    }

    private int unresolved(Resource resource, Bundle bundle, Map<String, IIdType> written) {
        int count = 0;
        for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            String target = ref.getReference();
            if (target != null
                    && target.startsWith("urn:uuid:")
                    && !written.containsKey(target)
                    && bundle.getEntry().stream().anyMatch(e -> target.equals(e.getFullUrl()))) {
                count++;
            }
        }
        return count;
    }

    private IIdType send(IGenericClient client, Bundle.BundleEntryComponent entry, Resource resource) {
        Bundle.BundleEntryRequestComponent request = entry.getRequest();
        MethodOutcome outcome;
        if (request.getMethod() == Bundle.HTTPVerb.POST) {
            // FHIR R4 §3.1.0.8.1: If-None-Exist holds the search parameters only. HAPI's conditionalByUrl
            // would send an absolute, percent-encoded URL there, which EHRs other than HAPI reject or,
            // worse, ignore (and create a duplicate).
            outcome = request.hasIfNoneExist()
                    ? client.create()
                            .resource(resource)
                            .withAdditionalHeader("If-None-Exist", request.getIfNoneExist())
                            .execute()
                    : client.create().resource(resource).execute();
        } else if (request.getUrl().contains("?")) {
            outcome = client.update()
                    .resource(resource)
                    .conditionalByUrl(request.getUrl())
                    .execute();
        } else {
            resource.setId(request.getUrl());
            outcome = client.update().resource(resource).execute();
        }
        return serverId(outcome, resource.fhirType());
    }

    /**
     * The Location header names what was written; an update answered 200 need not send one (FHIR R4
     * §3.1.0.4: Location only SHOULD accompany 201), so then the returned resource does. With
     * neither, nothing may be sent that references this entry: the write stops here (and is resent,
     * conditionally, later).
     */
    private static IIdType serverId(MethodOutcome outcome, String type) {
        if (outcome.getId() != null && outcome.getId().hasIdPart()) {
            return outcome.getId();
        }
        if (outcome.getResource() != null
                && outcome.getResource().getIdElement().hasIdPart()) {
            IIdType id = outcome.getResource().getIdElement();
            String version = id.hasVersionIdPart()
                    ? id.getVersionIdPart()
                    : outcome.getResource().getMeta().getVersionId();
            return new IdType(type, id.getIdPart(), version);
        }
        throw new IllegalStateException(
                "the EHR's answer to a " + type + " write names no resource (no Location," + " no resource returned)");
    }
}
