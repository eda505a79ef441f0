package org.annulus.bridge.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run measures, from system properties (the {@code bench} Maven profile passes them on).
 *
 * @param sizes     documents per run (-Dbench.sizes, default 1000): each size is run in every configuration
 * @param workers   outbox workers of a single bridge instance, one configuration each (-Dbench.workers, 1,2,4)
 * @param instances bridge instances on one PostgreSQL schema, 2 workers each, one more configuration
 *                  (-Dbench.instances, default 2; 1 or less: none)
 * @param seed      the generator's seed (-Dbench.seed): the same seed, the same documents
 * @param warmup    documents sent and synced before the measured ones (-Dbench.warmup, default 50)
 * @param ehrOnH2   the JPA server on H2 in memory instead of its own PostgreSQL database (-Dbench.ehr-db=h2;
 *                  also when PostgreSQL cannot create a database)
 * @param window    for sizes above it, the sync is measured over this many documents synced once all are
 *                  posted and waiting, not until the backlog is drained (-Dbench.window, default 0: never):
 *                  draining 100,000 documents takes hours on this machine, and what cost growth asks is what a
 *                  document costs with that many waiting
 */
record BenchSettings(
        List<Integer> sizes, List<Integer> workers, int instances, long seed, int warmup, boolean ehrOnH2, int window) {

    static final int POSTING_THREADS = 4;
    static final int WORKERS_PER_INSTANCE = 2;

    static BenchSettings fromSystemProperties() {
        return new BenchSettings(
                ints(System.getProperty("bench.sizes", "1000")),
                ints(System.getProperty("bench.workers", "1,2,4")),
                Integer.parseInt(System.getProperty("bench.instances", "2").strip()),
                Long.parseLong(System.getProperty("bench.seed", "15").strip()),
                Integer.parseInt(System.getProperty("bench.warmup", "50").strip()),
                "h2".equalsIgnoreCase(System.getProperty("bench.ehr-db", "postgres").strip()),
                Integer.parseInt(System.getProperty("bench.window", "0").strip()));
    }

    /** Whether a run of {@code size} documents is measured over a window ({@link #window}). */
    boolean windowed(int size) {
        return window > 0 && size > window;
    }

    /** The configurations in the order they run: each worker count on one instance, then the instances. */
    List<Setup> setups() {
        List<Setup> setups = new java.util.ArrayList<>(workers.stream().map(w -> new Setup(1, w)).toList());
        if (instances > 1) {
            setups.add(new Setup(instances, WORKERS_PER_INSTANCE));
        }
        return setups;
    }

    private static List<Integer> ints(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Integer::parseInt)
                .toList();
    }

    /** Bridge instances and outbox workers per instance; the ceiling replays at their product. */
    record Setup(int instances, int workersEach) {

        int concurrency() {
            return instances * workersEach;
        }

        String label() {
            return instances == 1 ? workersEach + " worker" + (workersEach == 1 ? "" : "s")
                    : instances + " instances x " + workersEach + " workers";
        }
    }
}
