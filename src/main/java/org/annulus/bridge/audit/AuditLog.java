package org.annulus.bridge.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The local audit log: append-only and hash-chained. Appends are serialised by a row lock on the one
 * {@code audit_chain} row, so that two workers (or two instances on PostgreSQL) never fork the chain.
 */
@Component
public class AuditLog {

    static final String AUDIT_EVENT = "AuditEvent";
    static final String PROVENANCE = "Provenance";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Checkpoints checkpoints;
    private final AuditProperties properties;

    AuditLog(
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            Clock clock,
            Checkpoints checkpoints,
            AuditProperties properties) {
        this.jdbc = jdbc;
        // a transaction of its own: an exchange's record stays even when the caller's work rolls back
        this.tx = new TransactionTemplate(transactions);
        tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
        this.checkpoints = checkpoints;
        this.properties = properties;
    }

    /** What to append: the content (a FHIR resource as JSON) and what it can be found by. */
    public record Entry(String kind, String patient, String trackingId, String content) {}

    /** Appends one record at the end of the chain, in a transaction of its own; returns it. */
    public AuditRecord append(Entry entry) {
        return tx.execute(status -> {
            Head head = jdbc.sql("select last_seq, last_sha256 from audit_chain where id = 1 for update")
                    .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2)))
                    .single();
            // microseconds: what both databases store, so the hash recomputes from the stored value
            Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
            long seq = head.seq() + 1;
            String contentHash = sha256(entry.content());
            String recordHash =
                    recordHash(seq, at, entry.kind(), entry.patient(), entry.trackingId(), contentHash, head.sha256());
            AuditRecord record = new AuditRecord(
                    seq,
                    at,
                    entry.kind(),
                    entry.patient(),
                    entry.trackingId(),
                    entry.content(),
                    contentHash,
                    head.sha256(),
                    recordHash);
            jdbc.sql("""
                    insert into audit_record (seq, recorded_at, kind, patient, tracking_id, content, content_sha256,
                        previous_sha256, record_sha256) values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(
                            record.seq(),
                            OffsetDateTime.ofInstant(record.recordedAt(), ZoneOffset.UTC),
                            record.kind(),
                            record.patient(),
                            record.trackingId(),
                            record.content(),
                            record.contentSha256(),
                            record.previousSha256(),
                            record.recordSha256())
                    .update();
            jdbc.sql("update audit_chain set last_seq = ?, last_sha256 = ? where id = 1")
                    .params(seq, recordHash)
                    .update();
            if (seq % properties.checkpointEvery() == 0) {
                checkpoints.sign(seq, recordHash, at);
            }
            return record;
        });
    }

    /** A signed checkpoint at the current end of the chain (nothing when the chain is empty or just signed). */
    public void checkpoint() {
        tx.executeWithoutResult(status -> {
            Head head = jdbc.sql("select last_seq, last_sha256 from audit_chain where id = 1 for update")
                    .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2)))
                    .single();
            if (head.seq() > 0 && !checkpoints.exists(head.seq())) {
                checkpoints.sign(head.seq(), head.sha256(), clock.instant());
            }
        });
    }

    /** Recomputes the chain from its (signed) start and every checkpoint signature. */
    public ChainVerification verify() {
        return new ChainVerifier(jdbc, checkpoints).verify();
    }

    /**
     * The stored records in chain order, streamed, optionally only those of one patient or document
     * (null: any) and of a period (null: open).
     */
    public void records(String patient, String trackingId, Instant from, Instant to, Consumer<AuditRecord> each) {
        StringBuilder sql = new StringBuilder("select * from audit_record where 1 = 1");
        List<Object> params = new java.util.ArrayList<>();
        if (patient != null) {
            sql.append(" and patient = ?");
            params.add(patient);
        }
        if (trackingId != null) {
            sql.append(" and tracking_id = ?");
            params.add(trackingId);
        }
        if (from != null) {
            sql.append(" and recorded_at >= ?");
            params.add(OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        }
        if (to != null) {
            sql.append(" and recorded_at < ?");
            params.add(OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
        }
        sql.append(" order by seq");
        try (var stream = jdbc.sql(sql.toString()).params(params).query(AuditLog::record).stream()) {
            stream.forEach(each);
        }
    }

    /** The latest signed checkpoint, as compact JWS, if any: exports carry it so they can be verified. */
    public java.util.Optional<String> latestCheckpoint() {
        return checkpoints.latest();
    }

    static AuditRecord record(ResultSet rs, int row) throws SQLException {
        return new AuditRecord(
                rs.getLong("seq"),
                rs.getObject("recorded_at", OffsetDateTime.class).toInstant(),
                rs.getString("kind"),
                rs.getString("patient"),
                rs.getString("tracking_id"),
                rs.getString("content"),
                rs.getString("content_sha256"),
                rs.getString("previous_sha256"),
                rs.getString("record_sha256"));
    }

    static String recordHash(
            long seq,
            Instant at,
            String kind,
            String patient,
            String trackingId,
            String contentHash,
            String previousHash) {
        // fields joined by a separator that none of them contains
        return sha256(String.join(
                "\n",
                Long.toString(seq),
                at.toString(),
                kind,
                patient == null ? "" : patient,
                trackingId == null ? "" : trackingId,
                contentHash,
                previousHash));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Head(long seq, String sha256) {}
}
