package org.annulus.bridge.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.annulus.bridge.document.DocumentKind;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the outbox tables. Every state change goes through {@link #transition} and leaves history. */
@Repository
class DocumentStore {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final boolean parkedBlocksPatient;

    @org.springframework.beans.factory.annotation.Autowired
    DocumentStore(JdbcClient jdbc, Clock clock, OutboxProperties outbox) {
        this(jdbc, clock, outbox.parkedBlocksPatient());
    }

    /** @param parkedBlocksPatient whether a parked document holds back its patient's later ones */
    DocumentStore(JdbcClient jdbc, Clock clock, boolean parkedBlocksPatient) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.parkedBlocksPatient = parkedBlocksPatient;
    }

    OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    Optional<StoredDocument> findVersion(String kind, String documentId, int version) {
        return jdbc.sql(SELECT + " where kind = ? and document_id = ? and doc_version = ?")
                .params(kind, documentId, version)
                .query(DocumentStore::storedDocument)
                .optional();
    }

    /** The first accepted version of a document: whose patient it is. */
    Optional<StoredDocument> firstVersion(String kind, String documentId) {
        return jdbc.sql(SELECT + " where kind = ? and document_id = ? order by received_at, doc_version limit 1")
                .params(kind, documentId)
                .query(DocumentStore::storedDocument)
                .optional();
    }

    Optional<StoredDocument> find(String trackingId) {
        return jdbc.sql(SELECT + " where tracking_id = ?")
                .param(trackingId)
                .query(DocumentStore::storedDocument)
                .optional();
    }

    String insert(NewDocument doc) {
        String trackingId = UUID.randomUUID().toString();
        OffsetDateTime now = now();
        jdbc.sql("""
                insert into clinical_document (tracking_id, kind, document_id, doc_version, doc_status, patient_key,
                    clinical_time, related_document_id, source, sha256, raw_document, state, attempts, received_at,
                    updated_at, submitter)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)""")
                .params(
                        trackingId,
                        doc.kind().code(),
                        doc.documentId(),
                        doc.version(),
                        doc.docStatus().code(),
                        doc.patientKey(),
                        doc.clinicalTime(),
                        doc.relatedDocumentId(),
                        doc.source(),
                        doc.sha256(),
                        doc.rawDocument(),
                        DocumentState.ACCEPTED.name(),
                        now,
                        now,
                        doc.submitter())
                .update();
        recordTransition(trackingId, null, DocumentState.ACCEPTED, "accepted via " + doc.source(), now);
        return trackingId;
    }

    /**
     * Whether document {@code e} holds back document {@code d} of the same patient (SQL over the
     * aliases {@code d} and {@code e}; parameters {@code :workable}, {@code :parked}, {@code :parkedBlocks},
     * {@code :now}). A patient's documents reach the EHR one at a time, in clinical order, whichever
     * instance works them:
     * <ol>
     *   <li>a document in flight (leased, or SENDING: a send under way, or one a crashed worker left) is
     *       finished first, whatever the clinical times: a late document with an earlier clinical time
     *       waits until the later one's send is done, then is sent itself with the plan of the whole set
     *       of the patient's documents (see {@code mapping.SendTimeComposition});
     *   <li>of two SENDING documents (only after a crash), the earlier goes first;
     *   <li>otherwise an earlier document (by clinical time, then arrival, then tracking id) goes first
     *       while it is workable, or parked (DEAD, AWAITING_PATIENT_MATCH, CONFLICT, NEEDS_REVIEW) and
     *       not released by an operator, unless {@code bridge.outbox.parked-blocks-patient} is false.
     * </ol>
     * Final documents (SYNCED, REJECTED, SUPERSEDED) hold back nothing.
     *
     * <p>{@code e}'s state is read as {@code coalesce(e.state, '')} (the column is never null) so that
     * no plan can probe {@code e} through the state index: with stale statistics (autovacuum off, or a
     * backlog that arrived since the last analyze) PostgreSQL ANDed it into every per-patient probe and
     * scanned the whole backlog for each due candidate, 4.6 s per poll at 9,000 documents waiting; the
     * patient index alone takes 47 ms.
     */
    private static final String HOLDS_BACK = """
            e.patient_key = d.patient_key and e.tracking_id <> d.tracking_id
            and ((%2$s in (:workable) and e.lease_until >= :now)
                 or (%2$s = 'SENDING' and (d.state <> 'SENDING' or %1$s))
                 or (d.state <> 'SENDING' and %1$s
                     and (%2$s in (:workable)
                          or (:parkedBlocks and %2$s in (:parked) and e.released_at is null))))""".formatted("""
                    (e.clinical_time < d.clinical_time
                     or (e.clinical_time = d.clinical_time and e.received_at < d.received_at)
                     or (e.clinical_time = d.clinical_time and e.received_at = d.received_at
                         and e.tracking_id < d.tracking_id))""", "coalesce(e.state, '')");

    /**
     * The workable states as SQL literals, for the due poll's own filter: written out, not bound, so that
     * PostgreSQL can use the partial index {@code ix_document_due} (Flyway V16), whose predicate it must
     * prove from the query's; with bound values it cannot.
     */
    static final String WORKABLE_LITERALS = DocumentState.WORKABLE.stream()
            .map(state -> "'" + state.name() + "'")
            .collect(java.util.stream.Collectors.joining(", "));

    /**
     * Ids of workable documents that are due, not leased and not held back by another document of
     * their patient ({@link #HOLDS_BACK}), locked for this transaction: at most one per patient.
     */
    List<String> lockDue(int limit) {
        return lockDue(limit, "", Set.of());
    }

    /** {@link #lockDue(int)} but none of {@code inHand} (documents a worker of this instance will claim). */
    List<String> lockDue(int limit, Set<String> inHand) {
        return lockDue(limit, "", inHand);
    }

    /** {@link #lockDue(int)} for one document ({@code only}), or for all when {@code only} is empty. */
    private List<String> lockDue(int limit, String only, Set<String> inHand) {
        return due("", limit, only, inHand).query(String.class).list();
    }

    /** PostgreSQL's plan for the due poll, as {@code explain} prints it (tests: the poll must not grow with the backlog). */
    List<String> duePlan(int limit) {
        return due("explain ", limit, "", Set.of()).query(String.class).list();
    }

    private JdbcClient.StatementSpec due(String prefix, int limit, String only, Set<String> inHand) {
        return ordered(jdbc.sql(prefix + """
                        select d.tracking_id from clinical_document d
                        where d.state in (%s)
                          and (:only = '' or d.tracking_id = :only)
                          and d.tracking_id not in (:inHand)
                          and (d.next_attempt_at is null or d.next_attempt_at <= :now)
                          and (d.lease_until is null or d.lease_until < :now)
                          and not exists (select 1 from clinical_document e where %s)
                        order by d.clinical_time, d.received_at, d.tracking_id
                        limit :limit
                        for update skip locked""".formatted(WORKABLE_LITERALS, HOLDS_BACK)))
                .param("only", only)
                // never an empty list (no SQL for "not in ()"); no tracking id is empty
                .param("inHand", inHand.isEmpty() ? List.of("") : List.copyOf(inHand))
                .param("limit", limit);
    }

    /**
     * The document a workable document waits behind ({@link #HOLDS_BACK}): one in flight first, else
     * the earliest. Empty when it waits for nothing of its patient, or is not workable.
     */
    Optional<TrackedDocument.WaitingFor> waitingFor(String trackingId) {
        return ordered(jdbc.sql("""
                        select e.tracking_id, e.state from clinical_document d join clinical_document e on %s
                        where d.tracking_id = :id and d.state in (:workable)
                        order by case when e.state = 'SENDING' or e.lease_until >= :now then 0 else 1 end,
                            e.clinical_time, e.received_at, e.tracking_id
                        limit 1""".formatted(HOLDS_BACK)))
                .param("id", trackingId)
                .query((rs, n) ->
                        new TrackedDocument.WaitingFor(rs.getString(1), DocumentState.valueOf(rs.getString(2))))
                .optional();
    }

    private JdbcClient.StatementSpec ordered(JdbcClient.StatementSpec sql) {
        return sql.param("workable", names(DocumentState.WORKABLE))
                .param("parked", names(DocumentState.PARKED))
                .param("parkedBlocks", parkedBlocksPatient)
                .param("now", now());
    }

    private static List<String> names(java.util.Set<DocumentState> states) {
        return states.stream().map(Enum::name).toList();
    }

    /**
     * An operator lets the patient's later documents go past this parked one; recorded in its history.
     * False when it is not (or no longer) in {@code state}, or was released already.
     */
    boolean releaseParked(String trackingId, DocumentState state) {
        OffsetDateTime now = now();
        int updated = jdbc.sql("""
                update clinical_document set released_at = ?
                where tracking_id = ? and state = ? and released_at is null""").params(now, trackingId, state.name()).update();
        if (updated == 1) {
            recordTransition(
                    trackingId,
                    state,
                    state,
                    "released by an operator: the patient's later documents no longer wait behind it",
                    now);
        }
        return updated == 1;
    }

    /**
     * Leases the document to {@code owner} under a fresh {@code token} if it is still due and free by
     * the rules of {@link #lockDue(int)} (its row locked for this transaction, SKIP LOCKED: of two
     * claimers one wins). True when claimed.
     */
    boolean claim(String trackingId, String owner, String token, OffsetDateTime until) {
        if (lockDue(1, trackingId, Set.of()).isEmpty()) {
            return false;
        }
        return jdbc.sql("""
                update clinical_document set lease_owner = :owner, lease_token = :token, lease_until = :until
                where tracking_id = :id""")
                        .param("owner", owner)
                        .param("token", token)
                        .param("until", until)
                        .param("id", trackingId)
                        .update()
                == 1;
    }

    /** Extends the lease while {@code token} still holds it; false once it was taken over or ended. */
    boolean renew(String trackingId, String token, OffsetDateTime until) {
        return jdbc.sql("update clinical_document set lease_until = ? where tracking_id = ? and lease_token = ?")
                        .params(until, trackingId, token)
                        .update()
                == 1;
    }

    /** Ends the lease {@code token} holds (the state stays as it is, workable by the next claim). */
    boolean release(String trackingId, String token) {
        return jdbc.sql("""
                update clinical_document set lease_owner = null, lease_token = null, lease_until = null
                where tracking_id = ? and lease_token = ?""").params(trackingId, token).update() == 1;
    }

    /** {@link #transition(String, DocumentState, DocumentState, String, Change, String)} of a document no one leases. */
    boolean transition(String trackingId, DocumentState from, DocumentState to, String reason, Change change) {
        return transition(trackingId, from, to, reason, change, null);
    }

    /**
     * Moves a document from {@code from} to {@code to} and records why, if it is in {@code from} and
     * leased under {@code leaseToken} (null: leased by no one, as for an operator's action): a stale
     * worker's late write, or one whose lease was taken over, is a no-op instead of a wrong state.
     */
    boolean transition(
            String trackingId, DocumentState from, DocumentState to, String reason, Change change, String leaseToken) {
        OffsetDateTime now = now();
        JdbcClient.StatementSpec update = jdbc.sql(
                        """
                update clinical_document set state = :to, updated_at = :now,
                    attempts = case when :resetAttempts then 0 else attempts + :attemptDelta end,
                    failing_since = case when :answered then null else coalesce(failing_since, :failingSince) end,
                    failures_before_send = case when :resetAttempts then 0
                                                else failures_before_send + :failedBeforeSend end,
                    next_attempt_at = :nextAttemptAt,
                    mapped_bundle = coalesce(:mappedBundle, mapped_bundle),
                    outcome = :outcome,
                    lease_owner = case when :keepLease then lease_owner else null end,
                    lease_token = case when :keepLease then lease_token else null end,
                    lease_until = case when :keepLease then lease_until else null end,
                    released_at = null
                where tracking_id = :id and state = :from and """ + (leaseToken == null ? " lease_token is null" : " lease_token = :token"))
                .param("to", to.name())
                .param("now", now)
                .param("attemptDelta", change.attemptDelta())
                .param("answered", change.resetAttempts() || ANSWERED.contains(to))
                .param("failingSince", change.failingSince())
                .param("failedBeforeSend", change.failedBeforeSend() ? 1 : 0)
                .param("resetAttempts", change.resetAttempts())
                .param("nextAttemptAt", change.nextAttemptAt())
                .param("mappedBundle", change.mappedBundle())
                .param("outcome", change.outcome())
                .param("keepLease", change.keepLease())
                .param("id", trackingId)
                .param("from", from.name());
        int updated = (leaseToken == null ? update : update.param("token", leaseToken)).update();
        if (updated == 1) {
            recordTransition(trackingId, from, to, reason, now);
        }
        return updated == 1;
    }

    /** States the EHR's answer leads to: the retry window is over, the next failure starts a new one. */
    private static final java.util.Set<DocumentState> ANSWERED = java.util.EnumSet.of(
            DocumentState.SYNCED,
            DocumentState.CONFLICT,
            DocumentState.NEEDS_REVIEW,
            DocumentState.AWAITING_PATIENT_MATCH);

    /** A history entry that changes no state (a late EHR answer, say): from and to are the current state. */
    void recordEvent(String trackingId, String reason) {
        find(trackingId).ifPresent(doc -> recordTransition(trackingId, doc.state(), doc.state(), reason, now()));
    }

    void recordWritten(String trackingId, List<TrackedDocument.WrittenResource> resources) {
        for (TrackedDocument.WrittenResource r : resources) {
            int changed = jdbc.sql("""
                    update written_resource set resource_type = ?, server_id = ?, server_version = ?, written_at = ?
                    where tracking_id = ? and business_identifier = ?""")
                    .params(
                            r.resourceType(),
                            r.serverId(),
                            r.serverVersion(),
                            r.writtenAt(),
                            trackingId,
                            r.businessIdentifier())
                    .update();
            if (changed == 0) {
                jdbc.sql("""
                        insert into written_resource (tracking_id, business_identifier, resource_type, server_id,
                            server_version, written_at) values (?, ?, ?, ?, ?, ?)""")
                        .params(
                                trackingId,
                                r.businessIdentifier(),
                                r.resourceType(),
                                r.serverId(),
                                r.serverVersion(),
                                r.writtenAt())
                        .update();
            }
        }
    }

    /**
     * Whether this version should not be sent: a higher version is already in the EHR, or arrived
     * before this one did (a late, stale version changes nothing).
     */
    Optional<Integer> supersedingVersion(StoredDocument doc) {
        return jdbc.sql("""
                select doc_version from clinical_document
                where kind = ? and document_id = ? and doc_version > ?
                  and (state = 'SYNCED' or (received_at < ? and state not in ('REJECTED')))
                order by doc_version desc limit 1""")
                .params(doc.kind(), doc.documentId(), doc.version(), doc.receivedAt())
                .query(Integer.class)
                .optional();
    }

    /**
     * What a send of {@code doc} needs to know of the patient's other documents (see
     * {@link DocumentHistory}), in four statements at most; the caller runs it in a transaction.
     */
    DocumentHistory history(StoredDocument doc) {
        List<DocumentHistory.EarlierVersion> earlier = jdbc.sql("""
                select raw_document, mapped_bundle from clinical_document
                where kind = ? and document_id = ? and doc_version < ? and mapped_bundle is not null
                  and raw_document is not null
                order by doc_version""")
                .params(doc.kind(), doc.documentId(), doc.version())
                .query((rs, n) -> new DocumentHistory.EarlierVersion(rs.getString(1), rs.getString(2)))
                .list();
        // The procedure notes whose recovery plan the document changes: a milestone's note, or the
        // notes that treated an assessment; a procedure note is its own (the caller has it).
        DocumentKind kind = DocumentKind.fromCode(doc.kind()).orElseThrow();
        List<Latest> notes =
                switch (kind) {
                    case RECOVERY_MILESTONE ->
                        latestVersions(
                                DocumentKind.PROCEDURE_NOTE,
                                doc.patientKey(),
                                "document_id",
                                ids(doc.relatedDocumentId()));
                    case CANDIDACY_ASSESSMENT ->
                        latestVersions(
                                DocumentKind.PROCEDURE_NOTE,
                                doc.patientKey(),
                                "related_document_id",
                                ids(doc.documentId()));
                    case PROCEDURE_NOTE -> List.of();
                };
        boolean note = kind == DocumentKind.PROCEDURE_NOTE;
        List<String> noteIds = note ? ids(doc.documentId()) : ids(notes.stream().map(Latest::documentId));
        List<String> baselineIds =
                note ? ids(doc.relatedDocumentId()) : ids(notes.stream().map(Latest::relatedDocumentId));
        return new DocumentHistory(
                earlier,
                raw(notes),
                raw(latestVersions(DocumentKind.CANDIDACY_ASSESSMENT, doc.patientKey(), "document_id", baselineIds)),
                raw(latestVersions(DocumentKind.RECOVERY_MILESTONE, doc.patientKey(), "related_document_id", noteIds)));
    }

    private record Latest(String documentId, String relatedDocumentId, String rawDocument) {}

    private static List<String> raw(List<Latest> latest) {
        return latest.stream().map(Latest::rawDocument).toList();
    }

    private static List<String> ids(String id) {
        return ids(java.util.stream.Stream.of(id));
    }

    private static List<String> ids(java.util.stream.Stream<String> ids) {
        return ids.filter(java.util.Objects::nonNull).distinct().toList();
    }

    /**
     * The newest usable version of each document of a kind for a patient whose {@code document_id}
     * or {@code related_document_id} is one of the given values, by document id.
     */
    private List<Latest> latestVersions(DocumentKind kind, String patientKey, String column, List<String> values) {
        // column is one of two constants (never input), so no null-typed parameters reach PostgreSQL.
        if (!column.equals("document_id") && !column.equals("related_document_id")) {
            throw new IllegalArgumentException(column);
        }
        if (values.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                select d.document_id, d.related_document_id, d.raw_document from clinical_document d
                where d.kind = :kind and d.patient_key = :patient and d.%s in (:values)
                  and d.state not in ('REJECTED', 'SUPERSEDED') and d.raw_document is not null
                  and d.doc_version = (select max(e.doc_version) from clinical_document e
                                       where e.kind = d.kind and e.document_id = d.document_id
                                         and e.state not in ('REJECTED', 'SUPERSEDED'))
                order by d.document_id""".formatted(column))
                .param("kind", kind.code())
                .param("patient", patientKey)
                .param("values", values)
                .query((rs, n) -> new Latest(rs.getString(1), rs.getString(2), rs.getString(3)))
                .list();
    }

    /**
     * Retention: drops the raw text of every final document that reached its state before {@code cutoff}
     * and whose patient has no document still on its way or newer than the cutoff (recovery plans and
     * amendments are composed from a patient's earlier documents, so a patient's documents go together).
     * The SHA-256, history and ledger stay; the purge is recorded in the history. Returns how many.
     */
    int purgeRawDocuments(OffsetDateTime cutoff, java.time.Duration kept) {
        List<String> finals = FINAL.stream().map(Enum::name).toList();
        List<String[]> due = jdbc.sql("""
                select d.tracking_id, d.state from clinical_document d
                where d.raw_document is not null and d.state in (:finals) and d.updated_at < :cutoff
                  and not exists (
                      select 1 from clinical_document e
                      where e.patient_key = d.patient_key
                        and (e.state not in (:finals) or e.updated_at >= :cutoff or e.received_at >= :cutoff))""")
                .param("finals", finals)
                .param("cutoff", cutoff)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
        OffsetDateTime now = now();
        int purged = 0;
        for (String[] row : due) {
            DocumentState state = DocumentState.valueOf(row[1]);
            // "raw_document is not null": of two instances purging at once, one records the purge
            if (jdbc.sql("""
                    update clinical_document set raw_document = null, raw_purged_at = ?
                    where tracking_id = ? and raw_document is not null""").params(now, row[0]).update() == 1) {
                recordTransition(
                        row[0],
                        state,
                        state,
                        "raw document purged after the retention period (" + kept.toDays()
                                + " days); SHA-256 and history kept",
                        now);
                purged++;
            }
        }
        return purged;
    }

    /** Final states: nothing more happens to the document unless an operator replays a REJECTED one. */
    static final java.util.Set<DocumentState> FINAL =
            java.util.EnumSet.of(DocumentState.SYNCED, DocumentState.REJECTED, DocumentState.SUPERSEDED);

    void choosePatient(String trackingId, String ehrPatientId) {
        jdbc.sql("update clinical_document set ehr_patient_id = ? where tracking_id = ?")
                .params(ehrPatientId, trackingId)
                .update();
    }

    List<String> inState(DocumentState state, int limit) {
        return jdbc.sql("select tracking_id from clinical_document where state = ? order by received_at limit ?")
                .params(state.name(), limit)
                .query(String.class)
                .list();
    }

    /** Documents per state, for the depth gauges. */
    java.util.Map<String, Long> countByState() {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.sql("select state, count(*) from clinical_document group by state")
                .query((rs, n) -> counts.put(rs.getString(1), rs.getLong(2)))
                .list();
        return counts;
    }

    /** Received time of the oldest document not yet in a final or parked state. */
    Optional<OffsetDateTime> oldestPending() {
        return jdbc.sql("select min(received_at) from clinical_document where state in (:states)")
                .param("states", DocumentState.WORKABLE.stream().map(Enum::name).toList())
                .query((rs, n) -> rs.getObject(1, OffsetDateTime.class))
                .optional();
    }

    List<TrackedDocument.Transition> history(String trackingId) {
        return jdbc.sql(
                        "select from_state, to_state, at, reason from document_transition where tracking_id = ? order by id")
                .param(trackingId)
                .query((rs, n) -> new TrackedDocument.Transition(
                        rs.getString(1) == null ? null : DocumentState.valueOf(rs.getString(1)),
                        DocumentState.valueOf(rs.getString(2)),
                        rs.getObject(3, OffsetDateTime.class),
                        rs.getString(4)))
                .list();
    }

    List<TrackedDocument.WrittenResource> written(String trackingId) {
        return jdbc.sql("""
                select resource_type, server_id, server_version, business_identifier, written_at
                from written_resource where tracking_id = ? order by resource_type, business_identifier""")
                .param(trackingId)
                .query((rs, n) -> new TrackedDocument.WrittenResource(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class)))
                .list();
    }

    /** The resources the last send held back; replaces what an earlier send held. */
    void recordHeld(String trackingId, List<TrackedDocument.HeldResource> held) {
        OffsetDateTime now = now();
        jdbc.sql("delete from held_resource where tracking_id = ?")
                .param(trackingId)
                .update();
        for (TrackedDocument.HeldResource h : held) {
            jdbc.sql("""
                    insert into held_resource (tracking_id, business_identifier, kind, resource_type, server_id,
                        our_version, ehr_version, content_sha256, ehr, reason, held_at)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            trackingId,
                            h.businessIdentifier(),
                            h.kind(),
                            h.resourceType(),
                            h.serverId(),
                            h.ourVersion(),
                            h.ehrVersion(),
                            h.contentSha256(),
                            h.ehr(),
                            truncate(h.reason()),
                            now)
                    .update();
        }
    }

    List<TrackedDocument.HeldResource> held(String trackingId) {
        return jdbc.sql("""
                select kind, resource_type, business_identifier, server_id, our_version, ehr_version, content_sha256,
                    ehr, reason
                from held_resource where tracking_id = ? order by resource_type, business_identifier""")
                .param(trackingId)
                .query((rs, n) -> new TrackedDocument.HeldResource(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)))
                .list();
    }

    /** Set by an operator's "overwrite", cleared once the document is SYNCED. */
    void overwriteEhrEdits(String trackingId, boolean overwrite) {
        jdbc.sql("update clinical_document set overwrite_ehr_edits = ? where tracking_id = ?")
                .params(overwrite, trackingId)
                .update();
    }

    private void recordTransition(
            String trackingId, DocumentState from, DocumentState to, String reason, OffsetDateTime at) {
        jdbc.sql(
                        "insert into document_transition (tracking_id, from_state, to_state, reason, at) values (?, ?, ?, ?, ?)")
                .params(trackingId, from == null ? null : from.name(), to.name(), truncate(reason), at)
                .update();
    }

    private static String truncate(String reason) {
        return reason.length() <= 2000 ? reason : reason.substring(0, 1997) + "...";
    }

    private static final String SELECT = """
            select tracking_id, kind, document_id, doc_version, doc_status, patient_key, source, sha256, raw_document,
                   state, attempts, next_attempt_at, mapped_bundle, outcome, received_at, updated_at, ehr_patient_id,
                   submitter, related_document_id, overwrite_ehr_edits, failing_since, failures_before_send
            from clinical_document""";

    private static StoredDocument storedDocument(ResultSet rs, int row) throws SQLException {
        return new StoredDocument(
                rs.getString("tracking_id"),
                rs.getString("kind"),
                rs.getString("document_id"),
                rs.getInt("doc_version"),
                rs.getString("doc_status"),
                rs.getString("patient_key"),
                rs.getString("related_document_id"),
                rs.getString("source"),
                rs.getString("sha256"),
                rs.getString("raw_document"),
                DocumentState.valueOf(rs.getString("state")),
                rs.getInt("attempts"),
                rs.getObject("next_attempt_at", OffsetDateTime.class),
                rs.getString("mapped_bundle"),
                rs.getString("outcome"),
                rs.getObject("received_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class),
                rs.getString("ehr_patient_id"),
                rs.getString("submitter"),
                rs.getBoolean("overwrite_ehr_edits"),
                rs.getObject("failing_since", OffsetDateTime.class),
                rs.getInt("failures_before_send"));
    }
}
