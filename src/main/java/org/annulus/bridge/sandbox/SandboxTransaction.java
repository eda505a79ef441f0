package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.param.ParameterUtil;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A FHIR R4 transaction (http.html#transaction) of POST and PUT entries: all preconditions are
 * checked and all ids assigned before anything is written, then every write lands in one commit,
 * so the transaction succeeds or fails as a whole.
 */
final class SandboxTransaction {

    /** What one entry does: write a resource, or (conditional create that matched) point at one. */
    private record Step(Resource write, Resource matched, boolean creates) {}

    private final SandboxStore store;
    private final Map<String, StoredResourceProvider<?>> providersByType;
    private final FhirContext fhirContext;
    private final FhirTerser terser;

    SandboxTransaction(SandboxStore store, List<StoredResourceProvider<?>> providers, FhirContext fhirContext) {
        this.store = store;
        this.fhirContext = fhirContext;
        this.terser = fhirContext.newTerser();
        Map<String, StoredResourceProvider<?>> byType = new HashMap<>();
        providers.forEach(p -> byType.put(fhirContext.getResourceType(p.getResourceType()), p));
        this.providersByType = Map.copyOf(byType);
    }

    Bundle apply(Bundle request) {
        if (request.getType() != BundleType.TRANSACTION) {
            throw new InvalidRequestException("Bundle.type must be 'transaction', not '" + request.getType() + "'");
        }
        return store.atomically(() -> {
            Map<String, String> resolvedUrls = new HashMap<>();
            List<Step> steps = plan(request, resolvedUrls);
            List<Resource> writes =
                    steps.stream().map(Step::write).filter(w -> w != null).toList();
            writes.forEach(write -> rewriteReferences(write, resolvedUrls));
            List<Resource> stored = new ArrayList<>(store.commit(writes));
            return response(steps, stored);
        });
    }

    private List<Step> plan(Bundle request, Map<String, String> resolvedUrls) {
        List<Step> steps = new ArrayList<>();
        Set<String> written = new HashSet<>();
        for (int i = 0; i < request.getEntry().size(); i++) {
            BundleEntryComponent entry = request.getEntry().get(i);
            Step step = plan(i, entry);
            Resource target = step.write() != null ? step.write() : step.matched();
            String localUrl = target.fhirType() + "/" + target.getIdElement().getIdPart();
            if (step.write() != null && !written.add(localUrl)) {
                throw new InvalidRequestException(
                        "Entry " + i + " writes " + localUrl + " a second time in the same transaction");
            }
            if (entry.hasFullUrl()) {
                resolvedUrls.put(entry.getFullUrl(), localUrl);
            }
            steps.add(step);
        }
        return steps;
    }

    private Step plan(int index, BundleEntryComponent entry) {
        BundleEntryRequestComponent request = entry.getRequest();
        Resource resource = entry.getResource();
        if (resource == null || !request.hasMethod() || !request.hasUrl()) {
            throw new InvalidRequestException("Entry " + index + " needs a resource, request.method and request.url");
        }
        StoredResourceProvider<?> provider = providersByType.get(resource.fhirType());
        if (provider == null) {
            throw new InvalidRequestException(
                    "Entry " + index + ": the sandbox EHR does not serve " + resource.fhirType());
        }
        Resource write = resource.copy();
        try {
            return switch (request.getMethod()) {
                case POST -> planCreate(index, request, write, provider);
                case PUT -> planUpdate(index, request, write, provider);
                default ->
                    throw new InvalidRequestException(
                            "Entry " + index + ": the sandbox EHR accepts only" + " POST and PUT in a transaction, not "
                                    + request.getMethod().toCode());
            };
        } catch (PreconditionFailedException failed) {
            throw new PreconditionFailedException(
                    "Entry " + index + ": " + failed.getMessage() + "; the transaction was not applied");
        }
    }

    private Step planCreate(
            int index, BundleEntryRequestComponent request, Resource write, StoredResourceProvider<?> provider) {
        String urlType = request.getUrl().split("\\?", 2)[0];
        if (!urlType.equals(write.fhirType())) {
            throw new InvalidRequestException(
                    "Entry " + index + ": POST to " + urlType + " with a " + write.fhirType());
        }
        Optional<? extends Resource> existing =
                request.hasIfNoneExist() ? provider.conditionalMatch(request.getIfNoneExist()) : Optional.empty();
        if (existing.isPresent()) {
            return new Step(null, existing.get(), false);
        }
        write.setId(new IdType(write.fhirType(), store.nextId()));
        return new Step(write, null, true);
    }

    private Step planUpdate(
            int index, BundleEntryRequestComponent request, Resource write, StoredResourceProvider<?> provider) {
        if (request.getUrl().contains("?")) {
            return planConditionalUpdate(index, request, write, provider);
        }
        IdType url = new IdType(request.getUrl());
        if (!write.fhirType().equals(url.getResourceType()) || !url.hasIdPart()) {
            throw new InvalidRequestException("Entry " + index + ": PUT needs url " + write.fhirType() + "/[id]");
        }
        String expectedVersion = request.hasIfMatch() ? ParameterUtil.parseETagValue(request.getIfMatch()) : null;
        Optional<Resource> current = provider.currentAtVersion(url.getIdPart(), expectedVersion);
        write.setId(new IdType(url.getResourceType(), url.getIdPart()));
        return new Step(write, null, current.isEmpty());
    }

    /**
     * Conditional update (http.html#cond-update): no match creates, one match updates it, several
     * matches fail the transaction with 412.
     */
    private Step planConditionalUpdate(
            int index, BundleEntryRequestComponent request, Resource write, StoredResourceProvider<?> provider) {
        String urlType = request.getUrl().split("\\?", 2)[0];
        if (!urlType.equals(write.fhirType())) {
            throw new InvalidRequestException("Entry " + index + ": PUT to " + urlType + " with a " + write.fhirType());
        }
        List<? extends Resource> matches =
                provider.matching(SearchQuery.fromConditionalUrl(fhirContext, request.getUrl()));
        if (matches.size() > 1) {
            throw new PreconditionFailedException("conditional update matched " + matches.size() + " resources");
        }
        if (matches.isEmpty()) {
            write.setId(new IdType(write.fhirType(), store.nextId()));
            return new Step(write, null, true);
        }
        write.setId(new IdType(write.fhirType(), matches.get(0).getIdElement().getIdPart()));
        return new Step(write, null, false);
    }

    /**
     * Points references at what the transaction resolved: fullUrls of other entries (usually
     * {@code urn:uuid:}) and conditional references such as {@code Patient?identifier=s|v}, which
     * must match exactly one resource (http.html#trules).
     */
    private void rewriteReferences(Resource write, Map<String, String> resolvedUrls) {
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(write, Reference.class)) {
            String target = reference.getReference();
            if (target == null) {
                continue;
            }
            if (resolvedUrls.containsKey(target)) {
                reference.setReference(resolvedUrls.get(target));
            } else if (target.contains("?")) {
                reference.setReference(resolveConditionalReference(target));
            }
        }
    }

    private String resolveConditionalReference(String conditional) {
        String type = conditional.substring(0, conditional.indexOf('?'));
        StoredResourceProvider<?> provider = providersByType.get(type);
        if (provider == null) {
            throw new InvalidRequestException(
                    "Conditional reference to " + type + ", which the sandbox does not serve");
        }
        List<? extends Resource> matches = provider.matching(SearchQuery.fromConditionalUrl(fhirContext, conditional));
        if (matches.size() != 1) {
            throw new PreconditionFailedException("A conditional reference to " + type + " matched " + matches.size()
                    + " resources instead of one; the transaction was not applied");
        }
        return type + "/" + matches.get(0).getIdElement().getIdPart();
    }

    private static Bundle response(List<Step> steps, List<Resource> stored) {
        Bundle response = new Bundle().setType(BundleType.TRANSACTIONRESPONSE);
        int next = 0;
        for (Step step : steps) {
            Resource result = step.write() != null ? stored.get(next++) : step.matched();
            String version = result.getMeta().getVersionId();
            response.addEntry()
                    .getResponse()
                    .setStatus(step.creates() ? "201 Created" : "200 OK")
                    .setLocation(result.fhirType() + "/" + result.getIdElement().getIdPart() + "/_history/" + version)
                    .setEtag("W/\"" + version + "\"")
                    .setLastModified(result.getMeta().getLastUpdated());
        }
        return response;
    }
}
