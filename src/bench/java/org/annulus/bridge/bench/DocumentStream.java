package org.annulus.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.annulus.bridge.TestPatients.TestPatient;

/**
 * One posting thread's share of the documents, made as they are posted (nothing of a 100k run is held in
 * memory): the thread's patients in turn, each through episodes of candidacy assessment, procedure note and
 * three recovery milestones, in that order. About 5 % of the documents are amendments (version 2 of the
 * assessment or milestone just before it, a corrected ODI) and about 2 % are bad (no patient section:
 * refused at intake with a 4xx, no sync work). Seeded per patient: the same seed, the same documents.
 */
final class DocumentStream implements Iterator<DocumentStream.Document> {

    static final double AMENDED = 0.05 / 0.8; // assessment and milestones are 4 of an episode's 5 documents
    static final double BAD = 0.02;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final Path GOLDEN = Path.of("test-fixtures", "golden");
    private static final ObjectNode CANDIDACY = template("candidacy-unilateral-left");
    private static final ObjectNode PROCEDURE = template("procedure-single-level");
    private static final ObjectNode MILESTONE = template("milestone-normal-activity");
    private static final String[][] MILESTONES = {{"light-walking", "3"}, {"normal-activity", "28"}, {"follow-up-3-months", "91"}};

    /** A document to post; {@code bad} ones are expected back with a 4xx. */
    record Document(ObjectNode json, boolean bad) {}

    private final List<PatientEpisodes> patients = new ArrayList<>();
    private int remaining;
    private int turn;

    /** Lane {@code lane} of {@code lanes}: the cohort's patients {@code lane, lane + lanes, ...}, {@code quota} documents. */
    DocumentStream(Cohort cohort, int lane, int lanes, int quota, long seed) {
        for (int i = lane; i < cohort.patients().size(); i += lanes) {
            patients.add(new PatientEpisodes(cohort.prefix(), i, cohort.patients().get(i), new Random(seed * 1_000_003L + i)));
        }
        this.remaining = patients.isEmpty() ? 0 : quota;
    }

    /** The lane's share of {@code total} documents over {@code lanes} lanes. */
    static int quota(int total, int lane, int lanes) {
        return total / lanes + (lane < total % lanes ? 1 : 0);
    }

    @Override
    public boolean hasNext() {
        return remaining > 0;
    }

    @Override
    public Document next() {
        if (remaining == 0) {
            throw new NoSuchElementException();
        }
        remaining--;
        Document next = patients.get(turn).next();
        turn = (turn + 1) % patients.size();
        return next;
    }

    /** One patient's documents, episode after episode. */
    private static final class PatientEpisodes {
        private final String prefix;
        private final int index;
        private final ObjectNode patient;
        private final Random random;
        private final Deque<Document> pending = new ArrayDeque<>();
        private int episode;

        PatientEpisodes(String prefix, int index, TestPatient patient, Random random) {
            this.prefix = prefix;
            this.index = index;
            this.patient = patient.asDocumentPatient();
            this.random = random;
        }

        Document next() {
            if (pending.isEmpty()) {
                episode();
            }
            return pending.poll();
        }

        private void episode() {
            episode++;
            String id = String.format("%s-%05d-%02d", prefix, index, episode);
            OffsetDateTime start = OffsetDateTime.parse("2025-01-06T10:15:00-05:00").plusDays(random.nextInt(300));
            ObjectNode candidacy = CANDIDACY.deepCopy();
            candidacy.put("documentId", "CA-" + id).put("recordedAt", stamp(start)).set("patient", patient);
            add(candidacy, true);
            ObjectNode note = PROCEDURE.deepCopy();
            OffsetDateTime procedure = start.plusDays(14 + random.nextInt(30));
            note.put("documentId", "PN-" + id).put("candidacyDocumentId", "CA-" + id);
            note.put("start", stamp(procedure.withHour(8).withMinute(5)))
                    .put("end", stamp(procedure.withHour(8).withMinute(24)))
                    .set("patient", patient);
            add(note, false);
            for (int m = 0; m < MILESTONES.length; m++) {
                int days = Integer.parseInt(MILESTONES[m][1]);
                ObjectNode milestone = MILESTONE.deepCopy();
                milestone.put("documentId", "RM-" + id + "-" + (m + 1)).put("procedureDocumentId", "PN-" + id)
                        .put("milestone", MILESTONES[m][0]).put("daysSinceProcedure", days)
                        .put("legPainNrs", random.nextInt(5)).put("odi", 10 + random.nextInt(30))
                        .put("recordedAt", stamp(procedure.plusDays(days)));
                milestone.set("patient", patient);
                add(milestone, true);
            }
        }

        private void add(ObjectNode document, boolean amendable) {
            if (random.nextDouble() < BAD) {
                ObjectNode bad = document.deepCopy();
                bad.remove("patient");
                pending.add(new Document(bad, true));
            }
            pending.add(new Document(document, false));
            if (amendable && random.nextDouble() < AMENDED) {
                ObjectNode amended = document.deepCopy();
                amended.put("version", 2).put("status", "amended");
                amended.put("odi", Math.max(0, document.path("odi").asInt(30) - 2));
                pending.add(new Document(amended, false));
            }
        }

        private static String stamp(OffsetDateTime time) {
            return STAMP.format(time);
        }
    }

    private static ObjectNode template(String name) {
        try {
            JsonNode node = JSON.readTree(GOLDEN.resolve(name + ".input.json").toFile());
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
