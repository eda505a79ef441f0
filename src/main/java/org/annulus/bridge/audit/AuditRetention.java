package org.annulus.bridge.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Purges audit records older than {@code bridge.audit.retention} — independent of the raw-document
 * retention, whose purge leaves the audit log alone (records hold hashes, not documents). The chain
 * stays verifiable: the last purged record's hash becomes the chain's start, fixed by a signed
 * checkpoint at that record.
 */
@Component
public class AuditRetention {

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Checkpoints checkpoints;
    private final AuditProperties properties;
    private final Clock clock;
    private final AuditLog auditLog;

    AuditRetention(
            JdbcClient jdbc,
            PlatformTransactionManager transactions,
            Checkpoints checkpoints,
            AuditProperties properties,
            Clock clock,
            AuditLog auditLog) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.checkpoints = checkpoints;
        this.properties = properties;
        this.clock = clock;
        this.auditLog = auditLog;
    }

    @Scheduled(cron = "${bridge.audit.purge-cron:0 45 3 * * *}")
    void purge() {
        int purged = purgeBefore(clock.instant().minus(properties.retention()));
        if (purged > 0) {
            log.info(
                    "audit retention: {} record(s) older than {} purged; the chain now starts at a signed checkpoint",
                    purged,
                    properties.retention());
        }
    }

    /** A signed checkpoint at the end of the chain every hour, so that a quiet day is covered too. */
    @Scheduled(cron = "${bridge.audit.checkpoint-cron:0 0 * * * *}")
    void checkpoint() {
        auditLog.checkpoint();
    }

    /** Purges the records appended before {@code cutoff}; returns how many. */
    public int purgeBefore(Instant cutoff) {
        Integer purged = tx.execute(status -> {
            long start = jdbc.sql("select start_seq from audit_chain where id = 1 for update")
                    .query(Long.class)
                    .single();
            Long cut = jdbc.sql("select max(seq) from audit_record where recorded_at < ?")
                    .param(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                    .query(Long.class)
                    .optional()
                    .orElse(null);
            if (cut == null || cut <= start) {
                return 0;
            }
            String hash = jdbc.sql("select record_sha256 from audit_record where seq = ?")
                    .param(cut)
                    .query(String.class)
                    .single();
            if (!checkpoints.exists(cut)) {
                checkpoints.sign(cut, hash, clock.instant());
            }
            int deleted = jdbc.sql("delete from audit_record where seq <= ?")
                    .param(cut)
                    .update();
            jdbc.sql("delete from audit_checkpoint where seq < ?").param(cut).update();
            jdbc.sql("update audit_chain set start_seq = ?, start_sha256 = ? where id = 1")
                    .params(cut, hash)
                    .update();
            return deleted;
        });
        return purged == null ? 0 : purged;
    }
}
