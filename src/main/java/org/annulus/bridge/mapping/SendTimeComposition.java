package org.annulus.bridge.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentStatus;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Everything one send writes, composed at send time from what is known then: the document's own
 * resources (with the status an amendment gives each), retractions of what its earlier versions
 * wrote and it no longer does, the recovery plan as of every milestone recorded so far, and the
 * send's Provenance. Composing at send time, not at mapping time, is what makes late and
 * out-of-order documents end in the same EHR state. Pure: documents and bundles in, bundle out.
 *
 * <p>The recovery-plan rule: the CarePlan and Goals a send writes are a function of the procedure note,
 * its baseline and the <em>set</em> of milestones stored for the note when the send is composed (sent
 * or not, in any order; retracted ones do not count). The outbox sends a patient's documents one at a
 * time, and a late milestone with an earlier clinical time waits until the send in flight is done; its
 * own send then writes the plan of the whole set, which is the plan the in-order sends end with.
 */
@Component
public class SendTimeComposition {

    private final ClinicalMapper mapper;

    public SendTimeComposition(ClinicalMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * What is known of the patient's other documents when one is sent.
     *
     * @param earlierVersions the document's earlier versions that were mapped, oldest first
     * @param procedureNotes  the newest version of each procedure note whose recovery plan the document
     *                        changes (a milestone's note, the notes that treated an assessment); a
     *                        procedure note is its own and need not be listed
     * @param assessments     the newest version of those notes' baseline assessments
     * @param milestones      the newest version of every milestone recorded for those notes
     */
    public record History(
            List<EarlierVersion> earlierVersions,
            List<ProcedureNote> procedureNotes,
            List<CandidacyAssessment> assessments,
            List<RecoveryMilestone> milestones) {

        public History {
            earlierVersions = List.copyOf(earlierVersions);
            procedureNotes = List.copyOf(procedureNotes);
            assessments = List.copyOf(assessments);
            milestones = List.copyOf(milestones);
        }
    }

    /** An earlier version: the document as it was, and the bundle it was mapped to then. */
    public record EarlierVersion(ClinicalDocument document, Bundle mapped) {}

    /**
     * The bundle to send, and copies of the entries send time added to the mapped bundle or replaced
     * in it: they must pass the gate as the mapped ones did.
     */
    public record Composed(Bundle bundle, List<Bundle.BundleEntryComponent> additions) {}

    /**
     * @param document   the version being sent
     * @param mapped     the bundle it was mapped to (not changed)
     * @param trackingId its tracking id, and {@code sha256} its hash, for the Provenance
     * @param recorded   when the send is composed, the Provenance's recorded time
     */
    public Composed compose(
            ClinicalDocument document,
            Bundle mapped,
            History history,
            String trackingId,
            String sha256,
            Instant recorded) {
        List<ProcedureNote> notes = document instanceof ProcedureNote note ? List.of(note) : history.procedureNotes();
        Optional<RecoveryMilestone> sided = withBaselineSide(document, notes, history);
        Optional<Side> side = sided.map(RecoveryMilestone::legPainSide);
        Bundle bundle = sided.map(mapper::map).orElseGet(mapped::copy);
        if (document.version() > 1) {
            mapper.amendmentStatuses(
                    bundle,
                    history.earlierVersions().stream()
                            .map(earlier -> mapper.map(withSide(earlier.document(), side)))
                            .toList());
        }
        int mappedEntries = bundle.getEntry().size();
        List<Bundle.BundleEntryComponent> replaced = new ArrayList<>();
        if (sided.isPresent()) {
            // Re-mapped at send time: the whole bundle passes the gate again.
            replaced.addAll(bundle.getEntry());
        }
        addRetractions(bundle, history.earlierVersions());
        for (ProcedureNote note : notes) {
            mapper.recoveryPlan(note, baseline(note, history), milestones(note, history))
                    .forEach(entry -> addOrReplace(bundle, mappedEntries, entry, replaced));
        }
        List<String> targets = bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getFullUrl)
                .toList();
        bundle.addEntry(mapper.provenance(document, trackingId, sha256, recorded, targets));
        List<Bundle.BundleEntryComponent> additions = new ArrayList<>();
        replaced.forEach(e -> additions.add(e.copy()));
        bundle.getEntry().subList(mappedEntries, bundle.getEntry().size()).forEach(e -> additions.add(e.copy()));
        return new Composed(bundle, additions);
    }

    /**
     * A v1 follow-up with the side of its leg pain, which v1 cannot state: the side of the baseline
     * assessment the treated procedure names, so the follow-up trends against it (issue 9, point 3).
     * Empty for any other document, or when the baseline tells no side.
     */
    private static Optional<RecoveryMilestone> withBaselineSide(
            ClinicalDocument document, List<ProcedureNote> notes, History history) {
        if (!(document instanceof RecoveryMilestone milestone) || milestone.legPainSide() != null) {
            return Optional.empty();
        }
        return notes.stream()
                .findFirst()
                .flatMap(note -> baseline(note, history))
                .filter(b -> b.status() != DocumentStatus.ENTERED_IN_ERROR)
                .flatMap(CandidacyAssessment::leg)
                .map(leg -> milestone.withLegPainSide(leg.side()));
    }

    private static ClinicalDocument withSide(ClinicalDocument document, Optional<Side> side) {
        return side.isPresent() && document instanceof RecoveryMilestone m && m.legPainSide() == null
                ? m.withLegPainSide(side.get())
                : document;
    }

    private static Optional<CandidacyAssessment> baseline(ProcedureNote note, History history) {
        return history.assessments().stream()
                .filter(a -> a.documentId().equals(note.relatedDocumentId()))
                .findFirst();
    }

    private static List<RecoveryMilestone> milestones(ProcedureNote note, History history) {
        return history.milestones().stream()
                .filter(m -> note.documentId().equals(m.relatedDocumentId()))
                .toList();
    }

    /** Marks entered in error what an earlier version wrote and this one no longer does. */
    private void addRetractions(Bundle bundle, List<EarlierVersion> earlierVersions) {
        Set<String> current = new HashSet<>();
        bundle.getEntry()
                .forEach(e -> mapper.businessIdentifier(e.getResource()).ifPresent(current::add));
        Set<String> retracted = new HashSet<>();
        for (EarlierVersion earlier : earlierVersions) {
            for (Bundle.BundleEntryComponent entry : earlier.mapped().getEntry()) {
                Optional<String> id = mapper.businessIdentifier(entry.getResource());
                if (id.isPresent() && !current.contains(id.get()) && retracted.add(id.get())) {
                    mapper.retraction(entry.getResource()).ifPresent(bundle::addEntry);
                }
            }
        }
    }

    /**
     * A send-time entry for a resource the mapped bundle already holds (the assessment's sciatica,
     * which the recovery plan puts in remission) replaces it: one resource per identifier per bundle.
     */
    private void addOrReplace(
            Bundle bundle,
            int mappedEntries,
            Bundle.BundleEntryComponent entry,
            List<Bundle.BundleEntryComponent> replaced) {
        Optional<String> id = mapper.businessIdentifier(entry.getResource());
        for (int i = 0; i < mappedEntries && id.isPresent(); i++) {
            if (id.equals(mapper.businessIdentifier(bundle.getEntry().get(i).getResource()))) {
                bundle.getEntry().set(i, entry);
                replaced.add(entry);
                return;
            }
        }
        bundle.addEntry(entry);
    }
}
