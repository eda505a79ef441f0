package org.annulus.bridge.outbox;

import java.util.List;

/**
 * What one send of a document needs to know of the patient's other stored documents, loaded at
 * once ({@link Dispatch#history}); raw JSON and FHIR JSON as stored, for the sync module to read.
 *
 * @param earlierVersions the document's earlier versions that were mapped (so were or will be
 *                        written), oldest first
 * @param procedureNotes  the newest usable version of each procedure note whose recovery plan the
 *                        document changes: a milestone's note, the notes that treated an assessment;
 *                        none for a procedure note, which is its own
 * @param assessments     the newest usable version of those notes' baseline assessments (for a
 *                        procedure note, of its own)
 * @param milestones      the newest usable version of every milestone recorded for those notes (for
 *                        a procedure note, for itself), by document id
 */
public record DocumentHistory(
        List<EarlierVersion> earlierVersions,
        List<String> procedureNotes,
        List<String> assessments,
        List<String> milestones) {

    public DocumentHistory {
        earlierVersions = List.copyOf(earlierVersions);
        procedureNotes = List.copyOf(procedureNotes);
        assessments = List.copyOf(assessments);
        milestones = List.copyOf(milestones);
    }

    /** An earlier version: its raw text and the bundle it was mapped to. */
    public record EarlierVersion(String rawDocument, String mappedBundle) {}
}
