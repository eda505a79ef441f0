package org.annulus.bridge.sandbox;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * All versions of all resources the sandbox holds, in memory and journaled. One lock guards
 * everything: a sandbox sees a handful of writes a second, and one lock makes conditional creates
 * and transactions trivially atomic. Callers always get copies, never the stored objects.
 */
final class SandboxStore implements Closeable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Map<String, List<Resource>>> versionsByTypeAndId = new HashMap<>();
    private final ResourceJournal journal;
    private final Clock clock;
    private long lastAssignedId;

    SandboxStore(ResourceJournal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
        journal.replay().forEach(this::index);
    }

    /** Runs the work with the store to itself, so that checks and writes see the same state. */
    <R> R atomically(Supplier<R> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** A fresh server-assigned id; ids are unique across types, as in most FHIR servers. */
    String nextId() {
        return atomically(() -> String.valueOf(++lastAssignedId));
    }

    Optional<Resource> current(String type, String id) {
        return atomically(() -> Optional.ofNullable(history(type, id))
                .map(versions -> versions.get(versions.size() - 1).copy()));
    }

    Optional<Resource> version(String type, String id, String versionId) {
        return atomically(() -> {
            List<Resource> versions = history(type, id);
            if (versions == null) {
                return Optional.<Resource>empty();
            }
            return versions.stream()
                    .filter(v -> versionId.equals(v.getMeta().getVersionId()))
                    .findFirst()
                    .map(Resource::copy);
        });
    }

    /** The current version of every resource of the type, in the order they were first stored. */
    List<Resource> current(String type) {
        return atomically(() -> versionsByTypeAndId.getOrDefault(type, Map.of()).values().stream()
                .map(versions -> versions.get(versions.size() - 1).copy())
                .toList());
    }

    int count(String type) {
        return atomically(() -> versionsByTypeAndId.getOrDefault(type, Map.of()).size());
    }

    /**
     * Stores a new version of each resource (each must carry its type and id), journals them in
     * one append, and returns the stored copies with meta.versionId and meta.lastUpdated set.
     */
    List<Resource> commit(List<? extends Resource> writes) {
        return atomically(() -> {
            Date now = Date.from(clock.instant());
            List<Resource> stamped = new ArrayList<>(writes.size());
            Map<String, Integer> versionInThisCommit = new HashMap<>();
            for (Resource write : writes) {
                String type = write.fhirType();
                String id = write.getIdElement().getIdPart();
                String key = type + "/" + id;
                List<Resource> history = history(type, id);
                int next = versionInThisCommit.getOrDefault(key, history == null ? 0 : history.size()) + 1;
                versionInThisCommit.put(key, next);
                Resource version = write.copy();
                version.setId(new IdType(type, id, String.valueOf(next)));
                version.getMeta().setVersionId(String.valueOf(next)).setLastUpdated(now);
                stamped.add(version);
            }
            journal.append(stamped);
            stamped.forEach(this::index);
            return stamped.stream().map(Resource::copy).toList();
        });
    }

    private List<Resource> history(String type, String id) {
        return versionsByTypeAndId.getOrDefault(type, Map.of()).get(id);
    }

    private void index(Resource version) {
        String type = version.fhirType();
        String id = version.getIdElement().getIdPart();
        String versionId = version.getMeta().getVersionId();
        // The JSON form carries the version only in meta; put it back on the id for ETags and vread.
        version.setId(new IdType(type, id, versionId));
        versionsByTypeAndId
                .computeIfAbsent(type, t -> new LinkedHashMap<>())
                .computeIfAbsent(id, i -> new ArrayList<>())
                .add(version);
        if (id.chars().allMatch(Character::isDigit) && id.length() < 18) {
            lastAssignedId = Math.max(lastAssignedId, Long.parseLong(id));
        }
    }

    @Override
    public void close() throws IOException {
        atomically(() -> {
            try {
                journal.close();
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
