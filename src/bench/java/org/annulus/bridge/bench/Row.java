package org.annulus.bridge.bench;

import java.util.Map;

/**
 * One size in one configuration: the bridge's figures, the ceiling's, and the load on the machine.
 *
 * @param bridge  the bridge instances' CPU and heap from the first post to the last SYNCED
 * @param ehr     the JPA server's CPU over the same span
 * @param ceiling the replay of what the bridge sent, at {@code setup.concurrency()}
 */
record Row(int size, BenchSettings.Setup setup, Posting.Result posting, OutboxFigures.Sync sync,
        Map<String, Integer> states, ProcessGauge.Usage bridge, ProcessGauge.Usage ehr, Replay.Result ceiling,
        String loadBefore, String loadAfter) {

    /** The ceiling in the bridge's documents per second: its documents, replayed as the bridge sent them. */
    double ceilingDocsPerSecond() {
        return ceiling == null || ceiling.seconds() == 0 ? 0 : sync.synced() / ceiling.seconds();
    }

    double ceilingResourcesPerSecond() {
        return ceiling == null || ceiling.seconds() == 0 ? 0 : ceiling.entries() / ceiling.seconds();
    }

    /** Bridge sync / ceiling, in per cent. */
    double percentOfCeiling() {
        double ceiling = ceilingDocsPerSecond();
        return ceiling == 0 ? 0 : 100 * sync.docsPerSecond() / ceiling;
    }

    /** The bridge's CPU per synced document, in milliseconds (all instances). */
    double bridgeCpuMsPerDocument() {
        return sync.synced() == 0 ? 0 : 1000 * bridge.cpuSeconds() / sync.synced();
    }

    double ehrCpuMsPerDocument() {
        return sync.synced() == 0 ? 0 : 1000 * ehr.cpuSeconds() / sync.synced();
    }

    Map<String, Integer> notSynced() {
        Map<String, Integer> others = new java.util.TreeMap<>(states);
        others.remove("SYNCED");
        return others;
    }
}
