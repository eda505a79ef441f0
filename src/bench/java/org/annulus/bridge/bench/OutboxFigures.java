package org.annulus.bridge.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.annulus.bridge.BridgeProcess;

/**
 * What the outbox says, straight from the bridge's PostgreSQL schema: document states, and the sync
 * figures of the documents received since a moment (the measured ones, not the warm-up's): from the
 * first {@code received_at} to the last {@code SYNCED} transition, each document's latency from its
 * {@code received_at} to its first {@code SYNCED}, and the resources it recorded as written.
 */
final class OutboxFigures {

    /** States a document is still on its way in. */
    static final java.util.Set<String> ON_ITS_WAY = java.util.Set.of("ACCEPTED", "MAPPED", "SENDING", "RETRY_SCHEDULED");

    /** The measured documents' sync. Latencies in seconds. */
    record Sync(int synced, int resources, Instant firstReceived, Instant lastSynced, double p50, double p95,
            double p99) {

        double seconds() {
            return firstReceived == null || lastSynced == null ? 0
                    : Duration.between(firstReceived, lastSynced).toMillis() / 1000.0;
        }

        double docsPerSecond() {
            return seconds() == 0 ? 0 : synced / seconds();
        }

        double resourcesPerSecond() {
            return seconds() == 0 ? 0 : resources / seconds();
        }
    }

    private final String schema;

    OutboxFigures(String schema) {
        this.schema = schema;
    }

    Map<String, Integer> states(Instant since) {
        Map<String, Integer> states = new TreeMap<>();
        try (Connection db = db();
                PreparedStatement st = db.prepareStatement("select state, count(*) from " + schema
                        + ".clinical_document where received_at >= ? group by state")) {
            st.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getInt(2));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("outbox unreadable: " + e.getMessage(), e);
        }
        return states;
    }

    static int onItsWay(Map<String, Integer> states) {
        return states.entrySet().stream().filter(e -> ON_ITS_WAY.contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    }

    /**
     * Waits until none of the {@code expected} documents received since {@code since} is on its way; gives up
     * when nothing moved for {@code stall} (every wait bounded). The states at the end.
     */
    Map<String, Integer> awaitDrained(Instant since, int expected, Duration stall) throws InterruptedException {
        return await(since, stall, states -> onItsWay(states)
                + Math.max(0, expected - states.values().stream().mapToInt(Integer::intValue).sum()));
    }

    /**
     * Waits until at least {@code target} documents received since {@code since} are SYNCED, or none is on
     * its way any more; gives up when nothing moved for {@code stall}. The states at the end.
     */
    Map<String, Integer> awaitSynced(Instant since, int target, Duration stall) throws InterruptedException {
        return await(since, stall, states -> onItsWay(states) == 0
                ? 0
                : Math.max(0, target - states.getOrDefault("SYNCED", 0)));
    }

    /** Polls the states until {@code left} of them is 0, or has not fallen for {@code stall}. */
    private Map<String, Integer> await(
            Instant since, Duration stall, java.util.function.ToIntFunction<Map<String, Integer>> left)
            throws InterruptedException {
        Map<String, Integer> states = states(since);
        int lastLeft = Integer.MAX_VALUE;
        Instant lastMove = Instant.now();
        while (true) {
            int now = left.applyAsInt(states);
            if (now == 0) {
                return states;
            }
            if (now < lastLeft) {
                lastLeft = now;
                lastMove = Instant.now();
            } else if (Duration.between(lastMove, Instant.now()).compareTo(stall) > 0) {
                System.out.printf("no progress for %s, %d documents still to go: giving up%n", stall, now);
                return states;
            }
            Thread.sleep(500);
            states = states(since);
        }
    }

    /** The figures of the documents received since {@code since} (all of a drained run). */
    Sync sync(Instant since) throws Exception {
        return sync(since, null, null);
    }

    /**
     * The figures of the documents received since {@code since} whose first SYNCED fell in {@code [from,
     * until)}: a window of a backlog's sync, timed from {@code from} (its latencies are still accepted ->
     * SYNCED, so they hold the wait behind the backlog).
     */
    Sync sync(Instant since, Instant from, Instant until) throws Exception {
        String synced = "select d.tracking_id, " + (from == null ? "d.received_at" : "?::timestamptz")
                + " as started_at, d.received_at, min(t.at) as synced_at from " + schema
                + ".clinical_document d join " + schema + ".document_transition t on t.tracking_id = d.tracking_id"
                + " and t.to_state = 'SYNCED' where d.received_at >= ? group by d.tracking_id, d.received_at"
                + (from == null ? "" : " having min(t.at) >= ? and min(t.at) < ?");
        try (Connection db = db();
                PreparedStatement st = db.prepareStatement("select count(*), min(s.started_at), max(s.synced_at),"
                        + " percentile_cont(array[0.5, 0.95, 0.99]) within group (order by extract(epoch from"
                        + " (s.synced_at - s.received_at))::float8), (select count(*) from " + schema + ".written_resource w"
                        + " where w.tracking_id in (select tracking_id from (" + synced + ") x))"
                        + " from (" + synced + ") s")) {
            int i = 1;
            for (int part = 0; part < 2; part++) { // the same subquery twice: figures and resources
                if (from != null) {
                    st.setTimestamp(i++, Timestamp.from(from));
                }
                st.setTimestamp(i++, Timestamp.from(since));
                if (from != null) {
                    st.setTimestamp(i++, Timestamp.from(from));
                    st.setTimestamp(i++, Timestamp.from(until));
                }
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                int count = rs.getInt(1);
                if (count == 0) {
                    return new Sync(0, 0, null, null, 0, 0, 0);
                }
                Array p = rs.getArray(4);
                Double[] percentiles = (Double[]) p.getArray();
                return new Sync(count, rs.getInt(5), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(),
                        percentiles[0], percentiles[1], percentiles[2]);
            }
        }
    }

    static Connection db() throws Exception {
        return DriverManager.getConnection(EhrServer.POSTGRES + "test", BridgeProcess.PG_USER, "");
    }

    static boolean bridgeDatabaseAnswers() {
        try (Connection db = db(); Statement st = db.createStatement()) {
            st.execute("select 1");
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
