package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * read, vread, create (also conditional) and update of one resource type, per FHIR R4 http.html.
 * Searching differs by type, so each search shape is a subclass that adds its {@code @Search}.
 */
abstract class StoredResourceProvider<T extends Resource> implements IResourceProvider {

    private final Class<T> type;
    private final String typeName;
    private final SandboxStore store;
    private final ResourceMatcher matcher;
    private final FhirContext fhirContext;

    StoredResourceProvider(Class<T> type, SandboxStore store, FhirContext fhirContext) {
        this.type = type;
        this.typeName = fhirContext.getResourceType(type);
        this.store = store;
        this.matcher = new ResourceMatcher(fhirContext);
        this.fhirContext = fhirContext;
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    /** read, and vread when the id carries a version ({@code Patient/1/_history/2}). */
    @Read(version = true)
    public T read(@IdParam IdType id) {
        Optional<Resource> found = id.hasVersionIdPart()
                ? store.version(typeName, id.getIdPart(), id.getVersionIdPart())
                : store.current(typeName, id.getIdPart());
        return type.cast(found.orElseThrow(() -> new ResourceNotFoundException(id)));
    }

    /**
     * create; with {@code If-None-Exist} a conditional create (http.html#ccreate): no match creates,
     * one match returns it with 200 and writes nothing, several matches fail with 412.
     */
    @Create
    public MethodOutcome create(@ResourceParam T resource, @ConditionalUrlParam String ifNoneExist) {
        return store.atomically(() -> {
            Optional<T> existing = ifNoneExist == null ? Optional.empty() : conditionalMatch(ifNoneExist);
            if (existing.isPresent()) {
                return outcome(existing.get(), false);
            }
            resource.setId(new IdType(typeName, store.nextId()));
            return outcome(store.commit(List.of(resource)).get(0), true);
        });
    }

    /**
     * update, creating the resource when the id is new (http.html#update). HAPI puts the version
     * of an {@code If-Match} header on the id; a stale version fails with 412 (http.html#concurrency).
     */
    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam T resource) {
        if (resource.getIdElement().hasIdPart()
                && !resource.getIdElement().getIdPart().equals(id.getIdPart())) {
            throw new InvalidRequestException("Resource id "
                    + resource.getIdElement().getIdPart() + " does not match the URL id " + id.getIdPart());
        }
        return store.atomically(() -> {
            Optional<Resource> current = currentAtVersion(id.getIdPart(), id.getVersionIdPart());
            resource.setId(new IdType(typeName, id.getIdPart()));
            return outcome(store.commit(List.of(resource)).get(0), current.isEmpty());
        });
    }

    /**
     * The one resource that a conditional create's criteria match, if any. Several matches fail
     * with 412: the criteria are not selective enough to know which one is meant (http.html#ccreate).
     */
    Optional<T> conditionalMatch(String criteria) {
        List<T> matches = matching(SearchQuery.fromConditionalUrl(fhirContext, criteria));
        if (matches.size() > 1) {
            throw new PreconditionFailedException("Conditional create matched " + matches.size() + " " + typeName
                    + " resources; the criteria are not selective enough");
        }
        return matches.stream().findFirst();
    }

    /**
     * The current version of the resource (empty when the id is new), after checking the version
     * the client expects, if it gave one; a stale version fails with 412 (http.html#concurrency).
     */
    Optional<Resource> currentAtVersion(String id, String expectedVersion) {
        Optional<Resource> current = store.current(typeName, id);
        String currentVersion = current.map(r -> r.getMeta().getVersionId()).orElse(null);
        if (expectedVersion != null && !expectedVersion.equals(currentVersion)) {
            throw new PreconditionFailedException("If-Match version " + expectedVersion + " of " + typeName + "/" + id
                    + " is not the current version " + currentVersion);
        }
        return current;
    }

    List<T> matching(SearchQuery query) {
        return store.current(typeName).stream()
                .filter(resource -> matcher.matches(resource, query))
                .map(type::cast)
                .toList();
    }

    private static MethodOutcome outcome(Resource stored, boolean created) {
        return new MethodOutcome(stored.getIdElement(), created).setResource(stored);
    }
}
