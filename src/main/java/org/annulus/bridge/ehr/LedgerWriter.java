package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.annulus.bridge.ehr.EhrWriteResult.Held;
import org.annulus.bridge.ledger.LedgerEntry;
import org.annulus.bridge.ledger.WriteLedger;
import org.annulus.bridge.ledger.WriteMethod;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Writes a send's resources one request at a time, planned from the write ledger, for EHRs that
 * offer no transactions and no conditional create (Epic, Oracle Health): create only what the
 * ledger has no server id for, update by server id with {@code If-Match} on the version we wrote,
 * and before creating again what an earlier attempt may have created, look it up. A resource a
 * clinician changed in the EHR since we wrote it is not overwritten, and an update the EHR does not
 * take is not forced: both are held, for the document's review state to name.
 */
@Component
class LedgerWriter {

    private final FhirContext fhir;
    private final WriteLedger ledger;
    private final Clock clock;
    /**
     * How long after an unanswered write the EHR may still be applying it: our read timeout gave up on
     * the answer, not the EHR on the request. Until then a search that finds nothing proves nothing.
     */
    private final Duration settle;

    LedgerWriter(FhirContext fhir, WriteLedger ledger, Clock clock, EhrProperties properties) {
        this.fhir = fhir;
        this.ledger = ledger;
        this.clock = clock;
        this.settle = properties.readTimeout().multipliedBy(2);
    }

    /**
     * An earlier create's outcome is still unknown and a search did not find it, but the EHR may still be
     * applying it: the send waits (a retry after {@code retryAfter}) instead of creating a second copy.
     */
    static final class OutcomeNotSettled extends RuntimeException {
        private final Duration retryAfter;

        OutcomeNotSettled(String type, Duration retryAfter) {
            super("an earlier create of a " + type + " is unanswered and not found yet; looking again in "
                    + retryAfter.toSeconds() + " s");
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }

    /** What the EHR lets us do, per resource type (from its CapabilityStatement and the EHR profile). */
    interface Rules {
        boolean canCreate(String type);

        boolean canUpdate(String type);

        /** Whether the EHR lists this search parameter for the type. */
        boolean canSearch(String type, String parameter);

        /** Whether the EHR takes a transaction bundle (all or nothing). */
        boolean transaction();

        /** The docStatus of the notes the bridge writes (the EHR profile's {@code notes.status}). */
        default EhrProfile.NoteStatus noteStatus() {
            return EhrProfile.NoteStatus.FINAL;
        }
    }

    /**
     * Every entry of the send written (or found written before), in bundle order and by the entry's
     * fullUrl, and what was held.
     */
    record Outcome(
            List<EhrWriteResult.WrittenEntry> written,
            Map<String, EhrWriteResult.WrittenEntry> byFullUrl,
            List<Held> held) {}

    /**
     * Writes the send's entries. Where the EHR takes transactions and no earlier write of these
     * resources has an unknown outcome, the planned creates and updates go as one transaction;
     * otherwise (or when a precondition fails in it) one request at a time, in an order where each
     * entry comes after the entries it references, whose server ids replace the {@code urn:uuid}s.
     * Identifier-only references to what an earlier send wrote are made literal from the ledger.
     *
     * @param ehr the EHR's base URL: the ledger is kept per EHR
     * @param patientId the EHR's Patient, for look-ups where the EHR has no identifier search
     * @param overwriteEhrEdits an operator chose to overwrite what was changed in the EHR
     */
    Outcome write(
            IGenericClient client,
            String ehr,
            Bundle bundle,
            String trackingId,
            String patientId,
            Rules rules,
            boolean overwriteEhrEdits) {
        List<String> identifiers =
                bundle.getEntry().stream().map(LedgerWriter::businessIdentifier).toList();
        Map<String, LedgerEntry> known = ledger.findAll(ehr, identifiers);
        if (rules.transaction()
                && !overwriteEhrEdits
                && known.values().stream().noneMatch(e -> e.pending().isPresent())) {
            Optional<Outcome> done = asTransaction(client, ehr, bundle, trackingId, rules, known);
            if (done.isPresent()) {
                return done.get();
            }
            // A precondition failed: nothing was applied. One at a time tells which resource changed.
            known = ledger.findAll(ehr, identifiers);
        }
        return oneAtATime(client, ehr, bundle, trackingId, patientId, rules, overwriteEhrEdits, known);
    }

    private Outcome oneAtATime(
            IGenericClient client,
            String ehr,
            Bundle bundle,
            String trackingId,
            String patientId,
            Rules rules,
            boolean overwriteEhrEdits,
            Map<String, LedgerEntry> known) {
        Map<String, String> serverIds = new HashMap<>(); // fullUrl -> Type/id
        Map<String, EhrWriteResult.WrittenEntry> written = new LinkedHashMap<>();
        List<Held> held = new ArrayList<>();
        LinkedList<Bundle.BundleEntryComponent> pending = new LinkedList<>(bundle.getEntry());
        while (!pending.isEmpty()) {
            Bundle.BundleEntryComponent next = pending.stream()
                    .filter(e -> unresolved(e.getResource(), bundle, serverIds) == 0)
                    .findFirst()
                    .orElse(pending.getFirst()); // a reference cycle: write it; unresolved refs stay as they are
            pending.remove(next);
            Resource resource = next.getResource().copy();
            resolveReferences(resource, serverIds, ehr);
            String identifier = businessIdentifier(next);
            Step step = new Step(client, ehr, resource, identifier, trackingId, patientId, rules, overwriteEhrEdits);
            Optional<EhrWriteResult.WrittenEntry> result = step.run(Optional.ofNullable(known.get(identifier)), held);
            result.ifPresent(w -> {
                serverIds.put(next.getFullUrl(), w.resourceType() + "/" + w.id());
                written.put(next.getFullUrl(), w);
            });
        }
        return new Outcome(inBundleOrder(bundle, written), Map.copyOf(written), held);
    }

    /**
     * The planned writes as one transaction: creates (plain POST, the server resolving the
     * {@code urn:uuid}s among them) and updates by id with If-Match; unchanged resources are left
     * out. Empty when a precondition failed, so that nothing was applied, or when a note the EHR cannot
     * update must be replaced (before anything is sent).
     */
    private Optional<Outcome> asTransaction(
            IGenericClient client,
            String ehr,
            Bundle bundle,
            String trackingId,
            Rules rules,
            Map<String, LedgerEntry> known) {
        Map<String, String> serverIds = new HashMap<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            LedgerEntry k = known.get(businessIdentifier(e));
            if (k != null && k.serverId().isPresent()) {
                serverIds.put(
                        e.getFullUrl(), k.resourceType() + "/" + k.serverId().get());
            }
        }
        Map<String, EhrWriteResult.WrittenEntry> written = new LinkedHashMap<>();
        List<Held> held = new ArrayList<>();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<Bundle.BundleEntryComponent> planned = new ArrayList<>();
        List<WriteLedger.Intent> intents = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            String identifier = businessIdentifier(e);
            Resource resource = e.getResource().copy();
            resolveReferences(resource, serverIds, ehr);
            String type = resource.fhirType();
            LedgerEntry k = known.get(identifier);
            if (k != null && k.serverId().isPresent()) {
                String serverId = k.serverId().get();
                String ours = k.writtenVersion().orElse(null);
                EhrWriteResult.WrittenEntry there = new EhrWriteResult.WrittenEntry(type, serverId, ours, identifier);
                if (contentHash(resource).equals(k.contentSha256().orElse(null))) {
                    written.put(e.getFullUrl(), there);
                    continue;
                }
                if (!rules.canUpdate(type)) {
                    if (supersedes(type, rules)) {
                        return Optional.empty(); // a replacing note is a create after a look-up: one at a time
                    }
                    held.add(noUpdate(type, identifier, serverId, ours, contentHash(resource), ehr));
                    written.put(e.getFullUrl(), there);
                    continue;
                }
                resource.setId(type + "/" + serverId);
                Bundle.BundleEntryComponent update =
                        transaction.addEntry().setFullUrl(e.getFullUrl()).setResource(resource);
                update.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(type + "/" + serverId);
                if (ours != null) {
                    update.getRequest().setIfMatch("W/\"" + ours + "\"");
                }
                planned.add(update);
                intents.add(new WriteLedger.Intent(identifier, type, WriteMethod.UPDATE, metaFreeHash(resource)));
            } else {
                resource.setId((String) null);
                Bundle.BundleEntryComponent create =
                        transaction.addEntry().setFullUrl(e.getFullUrl()).setResource(resource);
                create.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(type);
                planned.add(create);
                intents.add(new WriteLedger.Intent(identifier, type, WriteMethod.CREATE));
            }
        }
        if (!planned.isEmpty()) {
            ledger.recordIntents(ehr, intents, trackingId);
            Bundle response;
            List<String> sent =
                    intents.stream().map(WriteLedger.Intent::businessIdentifier).toList();
            try {
                response = client.transaction().withBundle(transaction).execute();
            } catch (PreconditionFailedException | ResourceVersionConflictException e) {
                // 412, or 409 as HAPI's JPA server answers an If-Match on another version: all or nothing,
                // so nothing was applied.
                ledger.recordNoneWritten(ehr, sent);
                if (intents.stream().anyMatch(i -> i.method() == WriteMethod.UPDATE)) {
                    return Optional.empty();
                }
                throw e; // no If-Match of ours failed: the EHR's own precondition, nothing to find one by one
            } catch (BaseServerResponseException e) {
                if (refused(e)) {
                    ledger.recordNoneWritten(ehr, sent); // all or nothing: nothing was applied
                }
                throw e;
            }
            if (response.getEntry().size() != planned.size()) {
                throw new IllegalStateException("transaction response has "
                        + response.getEntry().size() + " entries for " + planned.size() + " sent");
            }
            for (int i = 0; i < planned.size(); i++) {
                Bundle.BundleEntryResponseComponent answer =
                        response.getEntry().get(i).getResponse();
                if (!answer.hasLocation() || !answer.getStatus().startsWith("20")) {
                    throw new IllegalStateException("transaction response entry " + i + " has no success location");
                }
                IdType id = new IdType(answer.getLocation());
                Bundle.BundleEntryComponent p = planned.get(i);
                serverIds.put(p.getFullUrl(), p.getResource().fhirType() + "/" + id.getIdPart());
                written.put(
                        p.getFullUrl(),
                        new EhrWriteResult.WrittenEntry(
                                p.getResource().fhirType(),
                                id.getIdPart(),
                                id.getVersionIdPart(),
                                intents.get(i).businessIdentifier()));
            }
            // Hashed as the one-at-a-time path would have sent them: references literal.
            List<WriteLedger.Written> completed = new ArrayList<>();
            for (int i = 0; i < planned.size(); i++) {
                // Planned resources carry the ledger's references already; only the send's own remain.
                Resource sentResource = planned.get(i).getResource().copy();
                resolveWithinSend(sentResource, serverIds);
                EhrWriteResult.WrittenEntry w = written.get(planned.get(i).getFullUrl());
                completed.add(new WriteLedger.Written(
                        w.businessIdentifier(), w.resourceType(), w.id(), w.version(), contentHash(sentResource)));
            }
            ledger.recordAllWritten(ehr, completed, trackingId);
        }
        return Optional.of(new Outcome(inBundleOrder(bundle, written), Map.copyOf(written), held));
    }

    private static List<EhrWriteResult.WrittenEntry> inBundleOrder(
            Bundle bundle, Map<String, EhrWriteResult.WrittenEntry> written) {
        return bundle.getEntry().stream()
                .map(e -> written.get(e.getFullUrl()))
                .filter(w -> w != null)
                .toList();
    }

    /** Between a note's business identifier and its content hash, in the identifier of a note replacing it. */
    static final String REPLACEMENT_INFIX = "/replaced-by-";

    /** Notes are replaced where they cannot be updated: a new note says it replaces the earlier one. */
    private static boolean supersedes(String type, Rules rules) {
        return "DocumentReference".equals(type) && rules.canCreate(type);
    }

    private static Held noUpdate(
            String type, String identifier, String serverId, String ourVersion, String sha256, String ehr) {
        return new Held(
                Held.Kind.NEEDS_REVIEW,
                type,
                identifier,
                serverId,
                ourVersion,
                null,
                "the EHR does not take updates of " + type + ": reconcile " + type + "/" + serverId
                        + " with the amended document by hand",
                sha256,
                ehr);
    }

    /** A refusal (4xx other than 408/409/429): the EHR applied nothing. Anything else may have followed a write. */
    private static boolean refused(BaseServerResponseException e) {
        int status = e.getStatusCode();
        return status >= 400 && status < 500 && status != 408 && status != 409 && status != 429;
    }

    /** One resource's write: the ledger says what was there, the step decides create, update, skip or hold. */
    private final class Step {
        private final IGenericClient client;
        private final String ehr;
        private final Resource resource;
        private final String identifier;
        private final String trackingId;
        private final String patientId;
        private final Rules rules;
        private final String type;
        private final String sha256;
        private final boolean overwriteEhrEdits;

        Step(
                IGenericClient client,
                String ehr,
                Resource resource,
                String identifier,
                String trackingId,
                String patientId,
                Rules rules,
                boolean overwriteEhrEdits) {
            this.overwriteEhrEdits = overwriteEhrEdits;
            this.client = client;
            this.ehr = ehr;
            this.resource = resource;
            this.identifier = identifier;
            this.trackingId = trackingId;
            this.patientId = patientId;
            this.rules = rules;
            this.type = resource.fhirType();
            this.sha256 = contentHash(resource);
        }

        Optional<EhrWriteResult.WrittenEntry> run(Optional<LedgerEntry> entry, List<Held> held) {
            Optional<LedgerEntry> known = entry;
            if (known.isPresent() && known.get().mayExistUnknown()) {
                // An earlier attempt's create may have landed: never create blind.
                LookUp found = lookUp(known.get());
                if (found.undecided()) {
                    held.add(new Held(
                            Held.Kind.NEEDS_REVIEW,
                            type,
                            identifier,
                            null,
                            null,
                            null,
                            "an earlier create of this " + type + " may have reached the EHR and no search can tell:"
                                    + " check the patient's " + type + " resources for identifier " + identifier
                                    + " before replaying",
                            sha256,
                            ehr));
                    return Optional.empty();
                }
                if (found.resource().isPresent()) {
                    IBaseResource there = found.resource().get();
                    String id = there.getIdElement().getIdPart();
                    String version = versionOf(there);
                    // What the lost answer would have told us. Sent by this same document version, it
                    // holds what we send now; sent by another, it may not, and is updated below.
                    boolean sameVersion =
                            trackingId.equals(known.get().pending().get().trackingId());
                    ledger.recordWritten(ehr, identifier, type, id, version, sameVersion ? sha256 : null, trackingId);
                    known = ledger.find(ehr, identifier);
                } else {
                    Instant since = known.get().pending().get().since();
                    Duration wait = Duration.between(clock.instant(), since.plus(settle));
                    if (!wait.isNegative() && !wait.isZero()) {
                        throw new OutcomeNotSettled(type, wait);
                    }
                    ledger.recordNotWritten(ehr, identifier);
                    known = ledger.find(ehr, identifier)
                            .filter(e -> e.serverId().isPresent());
                }
            }
            if (known.isEmpty() || known.get().serverId().isEmpty()) {
                return Optional.of(create());
            }
            LedgerEntry there = known.get();
            String serverId = there.serverId().get();
            String ourVersion = there.writtenVersion().orElse(null);
            if (sha256.equals(there.contentSha256().orElse(null))) {
                // Written before, unchanged since: a resend writes nothing.
                return Optional.of(new EhrWriteResult.WrittenEntry(type, serverId, ourVersion, identifier));
            }
            if (!rules.canUpdate(type)) {
                if (supersedes(type, rules)) {
                    return replace(serverId, held);
                }
                held.add(noUpdate(type, identifier, serverId, ourVersion, sha256, ehr));
                return Optional.of(new EhrWriteResult.WrittenEntry(type, serverId, ourVersion, identifier));
            }
            IBaseResource current =
                    client.read().resource(type).withId(serverId).execute();
            String ehrVersion = versionOf(current);
            if (ourVersion != null && !ourVersion.equals(ehrVersion)) {
                String theirs = metaFreeHash((Resource) current);
                if (there.pending().isPresent() && theirs.equals(metaFreeHash(resource))) {
                    // Our own earlier update, whose answer was lost, is what the EHR holds: written, no conflict.
                    ledger.recordWritten(ehr, identifier, type, serverId, ehrVersion, sha256, trackingId);
                    return Optional.of(new EhrWriteResult.WrittenEntry(type, serverId, ehrVersion, identifier));
                }
                if (there.pending()
                        .flatMap(LedgerEntry.PendingWrite::intendedSha256)
                        .filter(theirs::equals)
                        .isPresent()) {
                    // The EHR holds what that lost update was to write (ours, not a clinician's); the resource
                    // was recomposed since: updated on that version.
                    return Optional.of(update(serverId, ehrVersion, held));
                }
                if (!overwriteEhrEdits) {
                    held.add(conflict(serverId, ourVersion, ehrVersion));
                    return Optional.of(new EhrWriteResult.WrittenEntry(type, serverId, ehrVersion, identifier));
                }
                // An operator chose ours over the EHR's: still conditional, on the version just read.
                return Optional.of(update(serverId, ehrVersion, held));
            }
            return Optional.of(update(serverId, ourVersion, held));
        }

        /**
         * A note the EHR takes no updates of is replaced instead: a new note, its own identifier
         * ({@value #REPLACEMENT_INFIX} and the content's hash: a resend finds it), {@code relatesTo}
         * replaces the note the ledger knows, which the ledger then names as this entry's. So an
         * amendment or retraction never leaves the earlier note standing as the current one.
         */
        private Optional<EhrWriteResult.WrittenEntry> replace(String earlierId, List<Held> held) {
            int bar = identifier.indexOf('|');
            String value = identifier.substring(bar + 1);
            String replacementValue = value + REPLACEMENT_INFIX + sha256.substring(0, 16);
            DocumentReference replacement = (DocumentReference) resource.copy();
            replacement.getIdentifier().stream()
                    .filter(i -> identifier.equals(i.getSystem() + "|" + i.getValue()))
                    .forEach(i -> i.setValue(replacementValue));
            replacement
                    .addRelatesTo()
                    .setCode(DocumentReference.DocumentRelationshipType.REPLACES)
                    .setTarget(new Reference("DocumentReference/" + earlierId));
            String replacementIdentifier = identifier.substring(0, bar + 1) + replacementValue;
            Optional<EhrWriteResult.WrittenEntry> written = new Step(
                            client,
                            ehr,
                            replacement,
                            replacementIdentifier,
                            trackingId,
                            patientId,
                            rules,
                            overwriteEhrEdits)
                    .run(ledger.find(ehr, replacementIdentifier), held);
            // The entry's identifier now names the replacement: the next amendment replaces that one.
            written.ifPresent(
                    w -> ledger.recordWritten(ehr, identifier, type, w.id(), w.version(), sha256, trackingId));
            return written.map(w -> new EhrWriteResult.WrittenEntry(type, w.id(), w.version(), identifier));
        }

        private EhrWriteResult.WrittenEntry create() {
            ledger.recordIntent(ehr, identifier, type, WriteMethod.CREATE, trackingId);
            MethodOutcome outcome;
            try {
                resource.setId((String) null);
                outcome = client.create().resource(resource).execute();
            } catch (BaseServerResponseException e) {
                forgetIfRefused(e);
                throw e;
            }
            return recorded(outcome);
        }

        private EhrWriteResult.WrittenEntry update(String serverId, String ourVersion, List<Held> held) {
            ledger.recordIntent(ehr, identifier, type, WriteMethod.UPDATE, trackingId, metaFreeHash(resource));
            MethodOutcome outcome;
            try {
                resource.setId(type + "/" + serverId);
                var update = client.update().resource(resource).withId(type + "/" + serverId);
                outcome = ourVersion == null
                        ? update.execute()
                        : update.withAdditionalHeader("If-Match", "W/\"" + ourVersion + "\"")
                                .execute();
            } catch (PreconditionFailedException | ResourceVersionConflictException e) {
                // Changed in the EHR between our read and our write (HAPI answers 409 where FHIR says 412).
                String ehrVersion =
                        versionOf(client.read().resource(type).withId(serverId).execute());
                if (e instanceof ResourceVersionConflictException
                        && (ourVersion == null || ourVersion.equals(ehrVersion))) {
                    throw e; // not about our version: a conflict of the EHR's own, retried later (intent kept)
                }
                ledger.recordNotWritten(ehr, identifier);
                held.add(conflict(serverId, ourVersion, ehrVersion));
                return new EhrWriteResult.WrittenEntry(type, serverId, ehrVersion, identifier);
            } catch (BaseServerResponseException e) {
                forgetIfRefused(e);
                throw e;
            }
            return recorded(outcome);
        }

        private Held conflict(String serverId, String ourVersion, String ehrVersion) {
            return new Held(
                    Held.Kind.CONFLICT,
                    type,
                    identifier,
                    serverId,
                    ourVersion,
                    ehrVersion,
                    type + "/" + serverId + " was changed in the EHR (version " + ehrVersion + ", we wrote "
                            + ourVersion + "): not overwritten",
                    sha256,
                    ehr);
        }

        private EhrWriteResult.WrittenEntry recorded(MethodOutcome outcome) {
            IBaseResource returned = outcome.getResource();
            String id = outcome.getId() != null && outcome.getId().hasIdPart()
                    ? outcome.getId().getIdPart()
                    : returned != null && returned.getIdElement().hasIdPart()
                            ? returned.getIdElement().getIdPart()
                            : null;
            if (id == null) {
                // Nothing names what was written: the intent stays, so the next attempt looks it up.
                throw new IllegalStateException("the EHR's answer to a " + type
                        + " write names no resource (no Location, no resource returned)");
            }
            String version = outcome.getId() != null && outcome.getId().hasVersionIdPart()
                    ? outcome.getId().getVersionIdPart()
                    : returned != null ? versionOf(returned) : null;
            ledger.recordWritten(ehr, identifier, type, id, version, sha256, trackingId);
            return new EhrWriteResult.WrittenEntry(type, id, version, identifier);
        }

        /**
         * A refusal (4xx other than 408/409/429) means nothing landed: the intent is cleared. Any
         * other failure may have followed the write: the intent stays, and the next attempt looks.
         */
        private void forgetIfRefused(BaseServerResponseException e) {
            if (refused(e)) {
                ledger.recordNotWritten(ehr, identifier);
            }
        }

        /** Finds what an earlier create of this resource made, if the EHR lets us search for it. */
        private LookUp lookUp(LedgerEntry entry) {
            int bar = identifier.indexOf('|');
            String system = identifier.substring(0, Math.max(bar, 0));
            String value = identifier.substring(bar + 1);
            Bundle found;
            if (rules.canSearch(type, "identifier")) {
                found = client.search()
                        .forResource(type)
                        .where(new TokenClientParam("identifier").exactly().systemAndCode(system, value))
                        .returnBundle(Bundle.class)
                        .execute();
            } else if (rules.canSearch(type, "patient") && patientId != null) {
                found = client.search()
                        .forResource(type)
                        .where(new ReferenceClientParam("patient").hasId(patientId))
                        .returnBundle(Bundle.class)
                        .execute();
            } else {
                return LookUp.UNDECIDED;
            }
            List<Resource> ours = found.getEntry().stream()
                    .map(Bundle.BundleEntryComponent::getResource)
                    .filter(r -> r != null && type.equals(r.fhirType()) && carries(r, system, value))
                    .toList();
            if (ours.size() > 1) {
                return LookUp.UNDECIDED;
            }
            if (ours.size() == 1) {
                return new LookUp(false, Optional.of(ours.get(0)));
            }
            // Not found by our identifier. An EHR that drops identifiers it does not know would hide
            // our create in a patient search: only an identifier search (or a type that keeps them) proves absence.
            return rules.canSearch(type, "identifier") || found.getEntry().isEmpty()
                    ? new LookUp(false, Optional.empty())
                    : LookUp.UNDECIDED;
        }
    }

    private record LookUp(boolean undecided, Optional<IBaseResource> resource) {
        static final LookUp UNDECIDED = new LookUp(true, Optional.empty());
    }

    private boolean carries(Resource resource, String system, String value) {
        return fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Identifier.class).stream()
                .anyMatch(i -> system.equals(i.getSystem()) && value.equals(i.getValue()));
    }

    /**
     * References within the send become the server ids written so far; an identifier-only reference
     * to a resource the bridge wrote before (a Procedure's reason, the Conditions of an earlier
     * assessment) becomes literal from the ledger. Others stay as they are.
     */
    private void resolveReferences(Resource resource, Map<String, String> serverIds, String ehr) {
        resolveWithinSend(resource, serverIds);
        for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            if (!ref.hasReference()
                    && ref.hasIdentifier()
                    && ref.getIdentifier().hasSystem()) {
                String token = ref.getIdentifier().getSystem() + "|"
                        + ref.getIdentifier().getValue();
                ledger.find(ehr, token)
                        .filter(e -> e.serverId().isPresent())
                        .ifPresent(e -> ref.setReference(
                                e.resourceType() + "/" + e.serverId().get()));
            }
        }
    }

    /** References to entries of this send become their server ids ({@code fullUrl -> Type/id}). */
    void resolveWithinSend(Resource resource, Map<String, String> serverIds) {
        for (Reference ref : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            if (ref.hasReference() && serverIds.containsKey(ref.getReference())) {
                ref.setReference(serverIds.get(ref.getReference()));
            }
        }
    }

    private int unresolved(Resource resource, Bundle bundle, Map<String, String> written) {
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

    private static String versionOf(IBaseResource resource) {
        return resource.getIdElement().hasVersionIdPart()
                ? resource.getIdElement().getVersionIdPart()
                : resource.getMeta().getVersionId();
    }

    /**
     * True when an operator marked this resource handled, filed by hand, with exactly this content: the
     * plan's unwritable entry is then left out rather than held again.
     */
    boolean filedByHand(String ehr, String businessIdentifier, String contentSha256) {
        return ledger.find(ehr, businessIdentifier)
                .filter(LedgerEntry::filedByHand)
                .flatMap(LedgerEntry::contentSha256)
                .filter(contentSha256::equals)
                .isPresent();
    }

    /** What we send, without what the server assigns (id, meta): equal hashes mean nothing to update. */
    /** What a resource says, whatever a server put in its meta (source, tags): to compare the EHR's copy with ours. */
    private String metaFreeHash(Resource resource) {
        Resource copy = resource.copy();
        copy.setMeta(null);
        return contentHash(copy);
    }

    String contentHash(Resource resource) {
        Resource copy = resource.copy();
        copy.setId((String) null);
        copy.getMeta().setVersionId(null).setLastUpdated(null);
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(fhir.newJsonParser()
                                    .encodeResourceToString(copy)
                                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The resource's business identifier ({@code system|value}): from the mapped request's
     * conditional token, which names it for us.
     */
    static String businessIdentifier(Bundle.BundleEntryComponent entry) {
        String ifNoneExist = entry.getRequest().getIfNoneExist();
        if (ifNoneExist != null && ifNoneExist.startsWith("identifier=")) {
            return ifNoneExist.substring("identifier=".length());
        }
        String url = entry.getRequest().getUrl();
        int query = url == null ? -1 : url.indexOf("?identifier=");
        return query >= 0 ? url.substring(query + "?identifier=".length()) : url;
    }
}
