package org.annulus.bridge.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.annulus.bridge.ehr.EhrProperties;
import org.annulus.bridge.outbox.DocumentLookup;
import org.annulus.bridge.outbox.DocumentState;
import org.annulus.bridge.outbox.Outbox;
import org.annulus.bridge.outbox.TrackedDocument;
import org.springframework.stereotype.Service;

/**
 * Assembles {@link Trace}s from what the outbox stores: forward from a clinic document (all its
 * versions) or one tracked version, backward from an EHR resource to every document version whose
 * send wrote it.
 */
@Service
public class TraceAssembly {

    static final String IDENTIFIER_SYSTEM = "http://annulus.org/fhir/sid/bridge-resource";

    private final Outbox outbox;
    private final DocumentLookup lookup;
    private final Clock clock;
    private final String ehrBase;
    private final ObjectMapper json = new ObjectMapper();

    private final AuditLog auditLog;

    TraceAssembly(Outbox outbox, DocumentLookup lookup, Clock clock, EhrProperties ehr, AuditLog auditLog) {
        this.auditLog = auditLog;
        this.outbox = outbox;
        this.lookup = lookup;
        this.clock = clock;
        // Links an auditor can follow; the sandbox is served by this process, so a relative link works.
        this.ehrBase = ehr.usesSandbox() ? "/sandbox/fhir" : ehr.baseUrl().replaceAll("/+$", "");
    }

    /** Every version of the documents with this clinic id; empty when none is stored. */
    public Optional<Trace> ofDocument(String documentId) {
        return trace(Map.of("documentId", documentId), lookup.versions(documentId), null);
    }

    /** The document a tracked version belongs to, with all its versions. */
    public Optional<Trace> ofTracking(String trackingId) {
        return outbox.find(trackingId)
                .flatMap(doc -> trace(
                        Map.of("trackingId", trackingId),
                        lookup.versions(doc.documentId()).stream()
                                .filter(id -> sameKind(id, doc.kind()))
                                .toList(),
                        null));
    }

    /** Back from an EHR resource ({@code Condition/123}, optionally {@code /_history/2}) to what wrote it. */
    public Optional<Trace> ofResource(String resourceType, String id) {
        List<String> writers = lookup.writersOf(resourceType, id);
        Set<String> versions = new java.util.LinkedHashSet<>();
        for (String writer : writers) {
            outbox.find(writer).ifPresent(doc -> lookup.versions(doc.documentId()).stream()
                    .filter(v -> sameKind(v, doc.kind()))
                    .forEach(versions::add));
        }
        return trace(Map.of("resource", resourceType + "/" + id), List.copyOf(versions), resourceType + "/" + id);
    }

    private boolean sameKind(String trackingId, String kind) {
        return outbox.find(trackingId).map(d -> d.kind().equals(kind)).orElse(false);
    }

    private Optional<Trace> trace(Map<String, String> query, List<String> trackingIds, String matched) {
        if (trackingIds.isEmpty()) {
            return Optional.empty();
        }
        Map<String, List<TrackedDocument>> byDocument = new LinkedHashMap<>();
        for (String trackingId : trackingIds) {
            outbox.find(trackingId).ifPresent(d -> byDocument
                    .computeIfAbsent(d.kind() + "\n" + d.documentId(), k -> new ArrayList<>())
                    .add(d));
        }
        List<Trace.Document> documents = byDocument.values().stream()
                .map(versions -> document(versions, matched))
                .toList();
        ChainVerification chain = auditLog.verify();
        return Optional.of(new Trace(
                query,
                OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
                new Trace.Verification(chain.status(), chain.records(), chain.checkpoints(), chain.firstBroken()),
                documents));
    }

    private Trace.Document document(List<TrackedDocument> versions, String matched) {
        TrackedDocument first = versions.get(0);
        Optional<DocumentLookup.Facts> firstFacts = lookup.facts(first.trackingId());
        String patientKey = firstFacts.map(DocumentLookup.Facts::patientKey).orElse(null);
        List<Trace.Version> traced =
                versions.stream().map(v -> version(v, patientKey, matched)).toList();
        List<Trace.Link> buildsOn = versions.stream()
                .map(v -> lookup.facts(v.trackingId()))
                .flatMap(Optional::stream)
                .map(DocumentLookup.Facts::relatedDocumentId)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .flatMap(related -> links(lookup.versions(related)).stream())
                .toList();
        List<Trace.Link> builtOnBy = links(lookup.buildingOn(first.documentId()));
        return new Trace.Document(
                first.kind(),
                first.documentId(),
                patientKey,
                traced,
                buildsOn.isEmpty() ? null : buildsOn,
                builtOnBy.isEmpty() ? null : builtOnBy);
    }

    private List<Trace.Link> links(List<String> trackingIds) {
        return trackingIds.stream()
                .map(outbox::find)
                .flatMap(Optional::stream)
                .map(d -> new Trace.Link(d.kind(), d.documentId(), "/api/v1/trace?documentId=" + d.documentId()))
                .distinct()
                .toList();
    }

    private Trace.Version version(TrackedDocument doc, String patientKey, String matched) {
        DocumentLookup.Facts facts = lookup.facts(doc.trackingId()).orElseThrow();
        JsonNode mapped = facts.mappedBundle() == null ? null : read(facts.mappedBundle());
        Set<String> mappedIds = identifiers(mapped);
        String ownPrefix = IDENTIFIER_SYSTEM + "|" + doc.kind() + "/" + patientKey + "/" + doc.documentId() + "/";
        boolean retraction = "entered-in-error".equals(doc.status());
        List<Trace.EhrResource> resources = doc.resources().stream()
                .map(r -> {
                    String reference = r.resourceType() + "/" + r.serverId()
                            + (r.serverVersion() == null ? "" : "/_history/" + r.serverVersion());
                    String role = mappedIds.contains(r.businessIdentifier())
                            ? (retraction ? "retracted" : "mapped")
                            : r.businessIdentifier().startsWith(ownPrefix) && !"Provenance".equals(r.resourceType())
                                    ? "retracted"
                                    : "send-time";
                    return new Trace.EhrResource(
                            reference,
                            r.resourceType(),
                            r.serverId(),
                            r.serverVersion(),
                            r.businessIdentifier(),
                            r.writtenAt(),
                            role,
                            ehrBase + "/" + reference,
                            matched != null && matched.equals(r.resourceType() + "/" + r.serverId())
                                    ? Boolean.TRUE
                                    : null);
                })
                .toList();
        String provenance = resources.stream()
                .filter(r -> "Provenance".equals(r.resourceType()))
                .map(Trace.EhrResource::reference)
                .findFirst()
                .orElse(doc.state() == DocumentState.SYNCED ? "Provenance/bridge-" + doc.trackingId() : null);
        Trace.Source source = facts.rawMatchesSha256() == null
                ? new Trace.Source("purged", facts.rawPurgedAt())
                : new Trace.Source(facts.rawMatchesSha256() ? "matches" : "DIFFERS", null);
        return new Trace.Version(
                doc.trackingId(),
                doc.version(),
                doc.status(),
                doc.source(),
                doc.receivedAt(),
                doc.sha256(),
                source,
                doc.state().name(),
                mapping(doc, mapped),
                validation(doc),
                attempts(doc, mapped),
                resources,
                provenance,
                events(doc.trackingId()));
    }

    /** The AuditEvents of the local log about this version, in chain order. */
    private List<Trace.Event> events(String trackingId) {
        List<Trace.Event> events = new ArrayList<>();
        auditLog.records(null, trackingId, null, null, r -> {
            if (!AuditLog.AUDIT_EVENT.equals(r.kind())) {
                return; // the send's Provenance is shown with the version's resources
            }
            JsonNode content = read(r.content());
            events.add(new Trace.Event(
                    r.seq(),
                    r.recordedAt(),
                    content.at("/type/code").asText(null),
                    content.at("/subtype/0/code").asText(null),
                    content.path("action").asText(null),
                    content.path("outcome").asText(null),
                    r.recordSha256()));
        });
        return events;
    }

    private Trace.Mapping mapping(TrackedDocument doc, JsonNode mapped) {
        Optional<TrackedDocument.Transition> entry = doc.history().stream()
                .filter(t -> t.to() == DocumentState.MAPPED && t.from() == DocumentState.ACCEPTED)
                .reduce((a, b) -> b);
        if (mapped == null || entry.isEmpty()) {
            return null;
        }
        String reason = entry.get().reason();
        int at = reason.indexOf("; warnings: ");
        List<String> warnings =
                at < 0 ? null : List.of(reason.substring(at + 12).split("; "));
        return new Trace.Mapping(entry.get().at(), mapped.path("entry").size(), byType(mapped), warnings);
    }

    private Trace.Validation validation(TrackedDocument doc) {
        Optional<TrackedDocument.Transition> rejected = doc.history().stream()
                .filter(t -> t.to() == DocumentState.REJECTED)
                .reduce((a, b) -> b);
        if (rejected.isPresent() && rejected.get().reason().startsWith("FHIR validation failed")) {
            String stage = rejected.get().reason().contains("at send time") ? "send-time" : "mapping";
            return new Trace.Validation("failed", stage, issues(doc.outcome()));
        }
        if (rejected.isPresent()) {
            return new Trace.Validation("not-run", "mapping", issues(doc.outcome()));
        }
        boolean passed = doc.history().stream().anyMatch(t -> t.to() == DocumentState.MAPPED);
        return new Trace.Validation(passed ? "passed" : "not-run", passed ? "mapping" : null, null);
    }

    private List<Trace.Issue> issues(String outcome) {
        if (outcome == null) {
            return null;
        }
        List<Trace.Issue> issues = new ArrayList<>();
        for (JsonNode issue : read(outcome).path("issue")) {
            List<String> where = new ArrayList<>();
            issue.path("expression").forEach(e -> where.add(e.asText()));
            if (where.isEmpty()) {
                issue.path("location").forEach(e -> where.add(e.asText()));
            }
            issues.add(new Trace.Issue(
                    issue.path("severity").asText(null), issue.path("code").asText(null), where));
        }
        return issues;
    }

    /**
     * Attempts from the history: each entry into SENDING starts one, the next entry out of SENDING
     * is the EHR's answer (a re-entry into SENDING means the process stopped during the send).
     */
    private List<Trace.Attempt> attempts(TrackedDocument doc, JsonNode mapped) {
        String request = mapped == null
                ? null
                : "the document's bundle: " + mapped.path("entry").size()
                        + " mapped resources (" + byType(mapped).toString().replaceAll("[{}]", "")
                        + ") plus what send time adds (retractions, recovery plan, Provenance)";
        List<Trace.Attempt> attempts = new ArrayList<>();
        TrackedDocument.Transition open = null;
        for (TrackedDocument.Transition t : doc.history()) {
            if (open != null && t.from() == DocumentState.SENDING) {
                attempts.add(new Trace.Attempt(
                        attempts.size() + 1,
                        open.at(),
                        open.reason() + "; " + request,
                        t.at(),
                        t.to() == DocumentState.SENDING ? "none: the process stopped during the send" : t.reason(),
                        t.to() == DocumentState.SENDING ? "interrupted" : t.to().name()));
                open = null;
            }
            if (t.to() == DocumentState.SENDING) {
                open = t;
            }
        }
        if (open != null) {
            attempts.add(new Trace.Attempt(
                    attempts.size() + 1, open.at(), open.reason() + "; " + request, null, null, "in progress"));
        }
        return attempts;
    }

    private static Map<String, Integer> byType(JsonNode bundle) {
        Map<String, Integer> counts = new TreeMap<>();
        bundle.path("entry")
                .forEach(e ->
                        counts.merge(e.path("resource").path("resourceType").asText("?"), 1, Integer::sum));
        return counts;
    }

    private static Set<String> identifiers(JsonNode bundle) {
        Set<String> ids = new HashSet<>();
        if (bundle != null) {
            bundle.path("entry")
                    .forEach(e -> e.path("resource").path("identifier").forEach(i -> {
                        if (IDENTIFIER_SYSTEM.equals(i.path("system").asText())) {
                            ids.add(IDENTIFIER_SYSTEM + "|" + i.path("value").asText());
                        }
                    }));
        }
        return ids;
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON unreadable", e);
        }
    }
}
