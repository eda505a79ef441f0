package org.annulus.bridge.bench;

import java.util.Map;

/**
 * One size in one configuration: the bridge's figures, the ceiling's, and the load on the machine.
 *
 * @param bridge  the bridge instances' CPU and heap from the first post to the last SYNCED
 * @param ehr     the JPA server's CPU over the same span
 * @param machine the whole machine's busy CPU over the same span
 * @param ceiling the replay of what the bridge sent, at {@code setup.concurrency()}
 * @param ceilingEhr the replay's JPA server's CPU, @param ceilingMachine the machine's busy CPU during the replay
 * @param waiting documents on their way when a window began (all posted, {@code bench.window}); 0: the whole
 *                run measured, from the first post until drained
 */
record Row(int size, BenchSettings.Setup setup, Posting.Result posting, OutboxFigures.Sync sync,
        Map<String, Integer> states, ProcessGauge.Usage bridge, ProcessGauge.Usage ehr, MachineCpu.Usage machine,
        Replay.Result ceiling, ProcessGauge.Usage ceilingEhr, MachineCpu.Usage ceilingMachine,
        String loadBefore, String loadAfter, int waiting) {

    /** The size, and for a window what it measured. */
    String documents() {
        return waiting == 0 ? String.valueOf(size)
                : String.format(java.util.Locale.ROOT, "%d (window: %d synced, %d waiting at its start)", size,
                        sync.synced(), waiting);
    }

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

    /** The machine's busy CPU per synced document during the sync, in milliseconds. */
    double machineCpuMsPerDocument() {
        return sync.synced() == 0 ? 0 : 1000 * machine.busySeconds() / sync.synced();
    }

    /** The machine's busy CPU per document during the ceiling replay, in milliseconds. */
    double ceilingMachineCpuMsPerDocument() {
        return sync.synced() == 0 ? 0 : 1000 * ceilingMachine.busySeconds() / sync.synced();
    }

    double ceilingEhrCpuMsPerDocument() {
        return sync.synced() == 0 ? 0 : 1000 * ceilingEhr.cpuSeconds() / sync.synced();
    }

    /**
     * When the cores are busy throughout both runs, throughput is cores / CPU per document, so no bridge
     * with this CPU cost could beat this share of the ceiling on this machine: the ceiling's machine CPU per
     * document over the sync's, in per cent.
     */
    double cpuBoundPercent() {
        double during = machineCpuMsPerDocument();
        return during == 0 ? 0 : 100 * ceilingMachineCpuMsPerDocument() / during;
    }

    /** What did not reach SYNCED: for a window, only what ended elsewhere (the rest was still waiting, by design). */
    Map<String, Integer> notSynced() {
        Map<String, Integer> others = new java.util.TreeMap<>(states);
        others.remove("SYNCED");
        if (waiting > 0) {
            others.keySet().removeAll(OutboxFigures.ON_ITS_WAY);
        }
        return others;
    }
}
