package org.annulus.bridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's busy CPU over a measurement, from the first line of {@code /proc/stat} (user, nice,
 * system, irq, softirq and steal ticks; idle and iowait are not busy): with the bridge, the JPA server,
 * PostgreSQL and the posting client on the same cores, it tells whether the cores were the limit.
 */
final class MachineCpu {

    private static final double TICKS_PER_SECOND = 100.0;

    private long startBusy;
    private long startNanos;

    /** Busy core-seconds and wall seconds; {@code cores} is the number of cores busy on average. */
    record Usage(double busySeconds, double wallSeconds, int coresOnMachine) {

        static final Usage NONE = new Usage(0, 0, Runtime.getRuntime().availableProcessors());

        double cores() {
            return wallSeconds == 0 ? 0 : busySeconds / wallSeconds;
        }

        /** Per cent of the machine's cores busy. */
        double percentBusy() {
            return coresOnMachine == 0 ? 0 : 100 * cores() / coresOnMachine;
        }
    }

    MachineCpu start() {
        startBusy = busyTicks();
        startNanos = System.nanoTime();
        return this;
    }

    Usage stop() {
        long busy = busyTicks();
        double wall = (System.nanoTime() - startNanos) / 1e9;
        if (busy < 0 || startBusy < 0) {
            return Usage.NONE;
        }
        return new Usage((busy - startBusy) / TICKS_PER_SECOND, wall, Runtime.getRuntime().availableProcessors());
    }

    private static long busyTicks() {
        try {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
        } catch (Exception e) {
            return -1; // no /proc: no figure rather than a wrong one
        }
    }
}
