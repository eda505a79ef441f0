package org.annulus.bridge.audit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Recomputes the chain record by record, and checks each checkpoint against it and its signature. */
final class ChainVerifier {

    private final JdbcClient jdbc;
    private final Checkpoints checkpoints;

    ChainVerifier(JdbcClient jdbc, Checkpoints checkpoints) {
        this.jdbc = jdbc;
        this.checkpoints = checkpoints;
    }

    private record Chain(long lastSeq, String lastSha256, long startSeq, String startSha256) {}

    ChainVerification verify() {
        Chain chain = jdbc.sql("select last_seq, last_sha256, start_seq, start_sha256 from audit_chain where id = 1")
                .query((rs, n) -> new Chain(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)))
                .single();
        Map<Long, Checkpoints.Stored> signed = checkpoints.from(chain.startSeq());
        List<Long> unverified = new ArrayList<>();
        long records = 0;
        if (chain.startSeq() > 0) {
            // after a retention purge the chain starts at a signed checkpoint: no one can move the start unseen
            Checkpoints.Stored start = signed.get(chain.startSeq());
            if (start == null || !start.recordSha256().equals(chain.startSha256())) {
                return ChainVerification.broken(
                        0,
                        0,
                        new ChainVerification.Break(
                                chain.startSeq(),
                                "checkpoint",
                                "the chain's start has no matching signed checkpoint",
                                chain.startSha256(),
                                start == null ? null : start.recordSha256()));
            }
        }
        long expected = chain.startSeq() + 1;
        String previous = chain.startSha256();
        try (Stream<AuditRecord> stream = jdbc
                .sql("select * from audit_record where seq > ? order by seq")
                .param(chain.startSeq())
                .query(AuditLog::record)
                .stream()) {
            Iterator<AuditRecord> it = stream.iterator();
            while (it.hasNext()) {
                AuditRecord r = it.next();
                records++;
                ChainVerification.Break broken = check(r, expected, previous);
                if (broken != null) {
                    return ChainVerification.broken(records, signed.size(), broken);
                }
                previous = r.recordSha256();
                expected = r.seq() + 1;
            }
        }
        if (expected - 1 < chain.lastSeq()) {
            return ChainVerification.broken(
                    records,
                    signed.size(),
                    new ChainVerification.Break(
                            expected, "record", "missing: the chain goes on to record " + chain.lastSeq(), null, null));
        }
        if (!previous.equals(chain.lastSha256())) {
            return ChainVerification.broken(
                    records,
                    signed.size(),
                    new ChainVerification.Break(
                            expected - 1,
                            "record",
                            "last record hash differs from the chain's head",
                            chain.lastSha256(),
                            previous));
        }
        for (Checkpoints.Stored c : signed.values()) {
            Optional<String> recordHash = jdbc.sql("select record_sha256 from audit_record where seq = ?")
                    .param(c.seq())
                    .query(String.class)
                    .optional();
            if (c.seq() != chain.startSeq()
                    && recordHash.isPresent()
                    && !recordHash.get().equals(c.recordSha256())) {
                return ChainVerification.broken(
                        records,
                        signed.size(),
                        new ChainVerification.Break(
                                c.seq(),
                                "checkpoint",
                                "checkpoint hash differs from the record's",
                                recordHash.get(),
                                c.recordSha256()));
            }
            Optional<String> problem = checkpoints.problem(c);
            if (problem.filter(Checkpoints.UNKNOWN_KEY::equals).isPresent()) {
                unverified.add(c.seq());
            } else if (problem.isPresent()) {
                return ChainVerification.broken(
                        records,
                        signed.size(),
                        new ChainVerification.Break(c.seq(), "checkpoint", problem.get(), null, null));
            }
        }
        return ChainVerification.ok(records, signed.size(), unverified);
    }

    private static ChainVerification.Break check(AuditRecord r, long expected, String previous) {
        if (r.seq() != expected) {
            return new ChainVerification.Break(
                    expected, "record", "missing: next stored record is " + r.seq(), null, null);
        }
        String content = AuditLog.sha256(r.content());
        if (!content.equals(r.contentSha256())) {
            return new ChainVerification.Break(
                    r.seq(), "record", "content altered: its SHA-256 differs", r.contentSha256(), content);
        }
        if (!previous.equals(r.previousSha256())) {
            return new ChainVerification.Break(
                    r.seq(), "record", "previous-record hash differs", previous, r.previousSha256());
        }
        String hash = AuditLog.recordHash(
                r.seq(), r.recordedAt(), r.kind(), r.patient(), r.trackingId(), r.contentSha256(), r.previousSha256());
        if (!hash.equals(r.recordSha256())) {
            return new ChainVerification.Break(
                    r.seq(), "record", "record hash differs (fields altered)", hash, r.recordSha256());
        }
        return null;
    }
}
