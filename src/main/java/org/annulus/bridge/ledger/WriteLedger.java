package org.annulus.bridge.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The write ledger in the bridge's own database (table {@code ehr_write_ledger}). Every change commits
 * on its own, whatever transaction the caller is in: an intent must be durable before the request
 * leaves, or a crash between send and record would leave nothing to look up.
 */
@Repository
public class WriteLedger {

    private static final String SELECT = """
            select ehr, business_identifier, resource_type, server_id, written_version, content_sha256,
                   written_at, written_by, pending_method, pending_tracking_id, pending_since, pending_sha256
            from ehr_write_ledger""";

    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    public WriteLedger(JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    public Optional<LedgerEntry> find(String ehr, String businessIdentifier) {
        return jdbc.sql(SELECT + " where ehr = ? and business_identifier = ?")
                .params(ehr, businessIdentifier)
                .query(WriteLedger::entry)
                .optional();
    }

    /**
     * The entries for these identifiers that exist, keyed by identifier (one query per send). One primary
     * key look-up per identifier, joined by {@code union all}: with {@code business_identifier in (...)},
     * PostgreSQL without statistics on the ledger (autovacuum off, or not yet run during a backfill) took
     * {@code ehr = ?} for selective and read every entry of the EHR, 7 ms per send at 30,000 entries;
     * an equality on the whole key is one entry at most, whatever the statistics say.
     */
    public Map<String, LedgerEntry> findAll(String ehr, Collection<String> businessIdentifiers) {
        Map<String, LedgerEntry> found = new LinkedHashMap<>();
        if (businessIdentifiers.isEmpty()) {
            return found;
        }
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(businessIdentifiers));
        List<Object> params = new java.util.ArrayList<>();
        ids.forEach(id -> {
            params.add(ehr);
            params.add(id);
        });
        jdbc.sql(findAllSql(ids.size()))
                .params(params)
                .query(WriteLedger::entry)
                .list()
                .forEach(e -> found.put(e.businessIdentifier(), e));
        return found;
    }

    /** {@link #findAll}'s statement for {@code n} identifiers: parameters ehr, identifier, ehr, identifier, ... */
    static String findAllSql(int n) {
        return String.join(
                " union all ",
                java.util.Collections.nCopies(n, "(" + SELECT + " where ehr = ? and business_identifier = ?)"));
    }

    /**
     * Records, and commits, that a write is about to be sent. Until {@link #recordWritten} or
     * {@link #recordNotWritten} completes it, the entry says its outcome is unknown.
     */
    public void recordIntent(
            String ehr, String businessIdentifier, String resourceType, WriteMethod method, String trackingId) {
        recordIntent(ehr, businessIdentifier, resourceType, method, trackingId, null);
    }

    /** {@link #recordIntent}, with what the write is to make the resource say ({@code intendedSha256}, meta ignored). */
    public void recordIntent(
            String ehr,
            String businessIdentifier,
            String resourceType,
            WriteMethod method,
            String trackingId,
            String intendedSha256) {
        ownTransaction.executeWithoutResult(
                status -> intent(ehr, businessIdentifier, resourceType, method, trackingId, intendedSha256));
    }

    private void intent(
            String ehr,
            String businessIdentifier,
            String resourceType,
            WriteMethod method,
            String trackingId,
            String intendedSha256) {
        OffsetDateTime now = now();
        upsert(
                """
                update ehr_write_ledger set resource_type = ?, pending_method = ?, pending_tracking_id = ?,
                    pending_since = ?, pending_sha256 = ?
                where ehr = ? and business_identifier = ?""",
                new Object[] {resourceType, method.name(), trackingId, now, intendedSha256, ehr, businessIdentifier},
                """
                insert into ehr_write_ledger (ehr, business_identifier, resource_type, pending_method,
                    pending_tracking_id, pending_since, pending_sha256) values (?, ?, ?, ?, ?, ?, ?)""",
                new Object[] {ehr, businessIdentifier, resourceType, method.name(), trackingId, now, intendedSha256});
    }

    /** One intended write, for {@link #recordIntents}. */
    public record Intent(String businessIdentifier, String resourceType, WriteMethod method, String intendedSha256) {

        public Intent(String businessIdentifier, String resourceType, WriteMethod method) {
            this(businessIdentifier, resourceType, method, null);
        }
    }

    /** One completed write, for {@link #recordAllWritten}. */
    public record Written(
            String businessIdentifier, String resourceType, String serverId, String version, String contentSha256) {}

    /** {@link #recordIntent} for every entry of a transaction, committed together before it is sent. */
    public void recordIntents(String ehr, List<Intent> intents, String trackingId) {
        ownTransaction.executeWithoutResult(status -> intents.forEach(i ->
                intent(ehr, i.businessIdentifier(), i.resourceType(), i.method(), trackingId, i.intendedSha256())));
    }

    /** {@link #recordWritten} for every entry of a transaction's answer, in one commit. */
    public void recordAllWritten(String ehr, List<Written> written, String trackingId) {
        ownTransaction.executeWithoutResult(status -> written.forEach(w -> written(ehr, w, trackingId)));
    }

    /** {@link #recordNotWritten} for every entry of a transaction the EHR refused as a whole. */
    public void recordNoneWritten(String ehr, List<String> businessIdentifiers) {
        ownTransaction.executeWithoutResult(status -> businessIdentifiers.forEach(id -> notWritten(ehr, id)));
    }

    /** Completes a write from the EHR's answer (or from a look-up that found what an unknown write made). */
    public void recordWritten(
            String ehr,
            String businessIdentifier,
            String resourceType,
            String serverId,
            String version,
            String contentSha256,
            String trackingId) {
        Written written = new Written(businessIdentifier, resourceType, serverId, version, contentSha256);
        ownTransaction.executeWithoutResult(status -> written(ehr, written, trackingId));
    }

    /**
     * Records that an operator filed (or reconciled) by hand what the bridge could not write, with the hash
     * of what it would have written: a resend of the same content leaves it out instead of holding it again.
     * The EHR's id of what the person filed is not known to us.
     */
    public void recordFiledByHand(
            String ehr, String businessIdentifier, String resourceType, String contentSha256, String trackingId) {
        Written byHand = new Written(businessIdentifier, resourceType, null, null, contentSha256);
        ownTransaction.executeWithoutResult(status -> written(ehr, byHand, trackingId));
    }

    private void written(String ehr, Written w, String trackingId) {
        OffsetDateTime now = now();
        upsert(
                """
                update ehr_write_ledger set resource_type = ?, server_id = ?, written_version = ?,
                    content_sha256 = ?, written_at = ?, written_by = ?,
                    pending_method = null, pending_tracking_id = null, pending_since = null, pending_sha256 = null
                where ehr = ? and business_identifier = ?""",
                new Object[] {
                    w.resourceType(),
                    w.serverId(),
                    w.version(),
                    w.contentSha256(),
                    now,
                    trackingId,
                    ehr,
                    w.businessIdentifier()
                },
                """
                insert into ehr_write_ledger (ehr, business_identifier, resource_type, server_id, written_version,
                    content_sha256, written_at, written_by) values (?, ?, ?, ?, ?, ?, ?, ?)""",
                new Object[] {
                    ehr,
                    w.businessIdentifier(),
                    w.resourceType(),
                    w.serverId(),
                    w.version(),
                    w.contentSha256(),
                    now,
                    trackingId
                });
    }

    /**
     * Clears an intent whose write certainly did not land (the EHR answered with a refusal): what the
     * entry knew before stays.
     */
    public void recordNotWritten(String ehr, String businessIdentifier) {
        ownTransaction.executeWithoutResult(status -> notWritten(ehr, businessIdentifier));
    }

    private void notWritten(String ehr, String businessIdentifier) {
        jdbc.sql("""
                        update ehr_write_ledger set pending_method = null, pending_tracking_id = null,
                            pending_since = null, pending_sha256 = null
                        where ehr = ? and business_identifier = ?""").params(ehr, businessIdentifier).update();
    }

    /** Intents older than the given instant: writes whose outcome is unknown (for health and review). */
    public int countPendingSince(String ehr, Instant before) {
        return jdbc.sql("select count(*) from ehr_write_ledger where ehr = ? and pending_since < ?")
                .params(ehr, OffsetDateTime.ofInstant(before, ZoneOffset.UTC))
                .query(Integer.class)
                .single();
    }

    /**
     * Update, else insert. Two writers never race on one identifier: a patient's documents are
     * claimed one at a time, and every identifier belongs to one patient.
     */
    private void upsert(String update, Object[] updateParams, String insert, Object[] insertParams) {
        if (jdbc.sql(update).params(updateParams).update() == 0) {
            jdbc.sql(insert).params(insertParams).update();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static LedgerEntry entry(ResultSet rs, int row) throws SQLException {
        String method = rs.getString("pending_method");
        Optional<LedgerEntry.PendingWrite> pending = method == null
                ? Optional.empty()
                : Optional.of(new LedgerEntry.PendingWrite(
                        WriteMethod.valueOf(method),
                        rs.getString("pending_tracking_id"),
                        instant(rs, "pending_since"),
                        Optional.ofNullable(rs.getString("pending_sha256"))));
        return new LedgerEntry(
                rs.getString("ehr"),
                rs.getString("business_identifier"),
                rs.getString("resource_type"),
                Optional.ofNullable(rs.getString("server_id")),
                Optional.ofNullable(rs.getString("written_version")),
                Optional.ofNullable(rs.getString("content_sha256")),
                Optional.ofNullable(instant(rs, "written_at")),
                Optional.ofNullable(rs.getString("written_by")),
                pending);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
