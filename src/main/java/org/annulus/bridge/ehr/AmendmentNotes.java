package org.annulus.bridge.ehr;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.annulus.bridge.ehr.EhrWriteResult.Held;
import org.annulus.bridge.ledger.LedgerEntry;
import org.annulus.bridge.ledger.WriteLedger;
import org.annulus.bridge.mapping.FallbackNote;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.springframework.stereotype.Component;

/**
 * What a send held back, shown where the clinician works: for every amendment or retraction not
 * applied to a resource the EHR has (a clinician changed it there, or the EHR takes no updates of its
 * type), a note with our new version, {@code context.related} to that resource; and where a resource
 * whose amendment note the ledger knows was written after all, that note retired (entered in error).
 * Written once the holds are known, in the same send, through the ledger like every other write.
 */
@Component
class AmendmentNotes {

    private final WriteLedger ledger;
    private final LedgerWriter writer;

    AmendmentNotes(WriteLedger ledger, LedgerWriter writer) {
        this.ledger = ledger;
        this.writer = writer;
    }

    /** The send's outcome with the notes' writes (and their holds, if any) added. */
    LedgerWriter.Outcome writeAfter(
            IGenericClient client,
            String ehr,
            Bundle sent,
            LedgerWriter.Outcome outcome,
            String trackingId,
            String patientId,
            LedgerWriter.Rules rules) {
        if (!rules.canCreate("DocumentReference")) {
            return outcome;
        }
        Bundle notes = notes(ehr, sent, outcome);
        if (notes.getEntry().isEmpty()) {
            return outcome;
        }
        // The profile's docStatus, as for every note the plan sends (Epic: preliminary, for a clinician to sign).
        notes.getEntry().forEach(n -> WritePlan.withStatus((DocumentReference) n.getResource(), rules.noteStatus()));
        LedgerWriter.Outcome written = writer.write(client, ehr, notes, trackingId, patientId, rules, false);
        List<EhrWriteResult.WrittenEntry> all = new ArrayList<>(outcome.written());
        all.addAll(written.written());
        Map<String, EhrWriteResult.WrittenEntry> byFullUrl = new HashMap<>(outcome.byFullUrl());
        byFullUrl.putAll(written.byFullUrl());
        List<Held> held = new ArrayList<>(outcome.held());
        held.addAll(written.held());
        return new LedgerWriter.Outcome(List.copyOf(all), Map.copyOf(byFullUrl), List.copyOf(held));
    }

    private Bundle notes(String ehr, Bundle sent, LedgerWriter.Outcome outcome) {
        Map<String, Bundle.BundleEntryComponent> ours = new LinkedHashMap<>();
        sent.getEntry().forEach(e -> ours.put(LedgerWriter.businessIdentifier(e), e));
        Bundle notes = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Held h : outcome.held()) {
            Bundle.BundleEntryComponent entry = ours.get(h.businessIdentifier());
            // A held note is replaced, not noted; a create of unknown outcome has nothing to relate to.
            if (entry != null && h.serverId() != null && !"DocumentReference".equals(h.resourceType())) {
                FallbackNote.amending(entry, h.resourceType() + "/" + h.serverId(), why(h))
                        .ifPresent(notes::addEntry);
            }
        }
        Set<String> held = outcome.held().stream().map(Held::businessIdentifier).collect(Collectors.toSet());
        Map<String, EhrWriteResult.WrittenEntry> applied = new LinkedHashMap<>();
        outcome.written().stream()
                .filter(w -> !held.contains(w.businessIdentifier()))
                .forEach(w -> applied.put(w.businessIdentifier() + FallbackNote.AMENDMENT_SUFFIX, w));
        Map<String, LedgerEntry> noted = ledger.findAll(ehr, applied.keySet());
        noted.forEach((noteIdentifier, note) -> {
            EhrWriteResult.WrittenEntry w = applied.get(noteIdentifier);
            Bundle.BundleEntryComponent entry = ours.get(w.businessIdentifier());
            if (note.serverId().isPresent() && entry != null) {
                FallbackNote.amendmentApplied(entry, w.resourceType() + "/" + w.id())
                        .ifPresent(notes::addEntry);
            }
        });
        // The notes name the patient and visit as the send does: its own entries by their server ids.
        Map<String, String> serverIds = new HashMap<>();
        outcome.byFullUrl().forEach((fullUrl, w) -> serverIds.put(fullUrl, w.resourceType() + "/" + w.id()));
        notes.getEntry().forEach(n -> writer.resolveWithinSend(n.getResource(), serverIds));
        return notes;
    }

    /** Why the amendment was not applied, in a clinician's words. */
    private static String why(Held held) {
        return held.kind() == Held.Kind.CONFLICT
                ? "it was changed in the EHR after Annulus Bridge wrote it (the EHR has version " + held.ehrVersion()
                        + ", the bridge wrote version " + held.ourVersion() + "), and a clinician's edit is never"
                        + " overwritten."
                : "this EHR does not take updates of " + held.resourceType() + " records from Annulus Bridge.";
    }
}
