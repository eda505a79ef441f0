package org.annulus.bridge.sandbox;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A read-only look into the sandbox EHR from inside the application and from tests: what the
 * bridge wrote, without going through HTTP. Everything returned is a copy.
 */
public final class SandboxEhr {

    /** Where the sandbox FHIR server is mounted, relative to the application's context path. */
    public static final String BASE_PATH = "/sandbox/fhir";

    private final SandboxStore store;

    SandboxEhr(SandboxStore store) {
        this.store = store;
    }

    /** How many resources of the type the sandbox holds (current versions, not history). */
    public int count(String resourceType) {
        return store.count(resourceType);
    }

    /** The current version of every resource of the type, oldest first. */
    public List<IBaseResource> all(String resourceType) {
        return List.copyOf(store.current(resourceType));
    }

    /** The current version of one resource. */
    public Optional<IBaseResource> read(String resourceType, String id) {
        return store.current(resourceType, id).map(IBaseResource.class::cast);
    }

    /** One version of one resource, as {@code _history/[versionId]} would return it. */
    public Optional<IBaseResource> read(String resourceType, String id, String versionId) {
        return store.version(resourceType, id, versionId).map(IBaseResource.class::cast);
    }
}
