package org.annulus.bridge.outbox;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * This instance's leases on the documents its workers are working. A worker claims a document when
 * its work starts and ends the claim when it is done; while it works, a heartbeat renews the lease
 * every third of {@code bridge.outbox.lease}, so a send slower than the lease keeps its document (a
 * crashed instance's leases run out and its documents are claimed again).
 *
 * <p>On shutdown (SIGTERM) it stops first, before the web server and Camel: no new claims, the sends
 * under way get {@code bridge.outbox.shutdown-timeout} to finish, and the leases of those still running
 * then are released, their documents left workable (a SENDING one is resumed from the write ledger).
 */
@Service
public class Leases implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Leases.class);

    private final Dispatch dispatch;
    private final OutboxProperties properties;
    private final String owner;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final Object idle = new Object();
    private volatile boolean claiming;
    private ScheduledExecutorService heartbeat;

    @Autowired
    Leases(Dispatch dispatch, OutboxProperties properties) {
        this(dispatch, properties, ManagementFactory.getRuntimeMXBean().getName());
    }

    Leases(Dispatch dispatch, OutboxProperties properties, String owner) {
        this.dispatch = dispatch;
        this.properties = properties;
        this.owner = owner;
    }

    /** Leases the document to this instance; empty when another worker has it, it is not due, or we are stopping. */
    public Optional<Lease> claim(String trackingId) {
        if (!claiming) {
            return Optional.empty();
        }
        Optional<Lease> lease = dispatch.claim(trackingId, owner, properties.lease());
        lease.ifPresent(l -> held.put(l.trackingId(), l));
        return lease;
    }

    /** The worker is done with the document: its lease is no longer renewed (the state it recorded ended it). */
    public void end(Lease lease) {
        held.remove(lease.trackingId(), lease);
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    /** The heartbeat: extends every lease held; one that was taken over is dropped (its worker cannot write). */
    void renewHeld() {
        for (Lease lease : List.copyOf(held.values())) {
            if (!dispatch.renew(lease, properties.lease())) {
                log.warn(
                        "lease on document {} was taken over; its worker can no longer record a state",
                        lease.trackingId());
                held.remove(lease.trackingId(), lease);
            }
        }
    }

    List<Lease> held() {
        return List.copyOf(held.values());
    }

    @Override
    public void start() {
        Duration every = properties.lease().dividedBy(3);
        heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "outbox-lease-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        claiming = true;
    }

    private void beat() {
        try {
            renewHeld();
        } catch (RuntimeException e) {
            // The store may be unreachable for a moment; the next beat tries again.
            log.warn("renewing leases failed: {}", e.getClass().getName());
        }
    }

    /**
     * Stops claiming, waits up to the shutdown timeout for the sends under way, then releases the
     * leases still held. Waits on the workers' {@link #end}, not by polling.
     */
    @Override
    public void stop() {
        claiming = false;
        long deadline = System.nanoTime() + properties.shutdownTimeout().toNanos();
        synchronized (idle) {
            while (!held.isEmpty() && System.nanoTime() < deadline) {
                try {
                    idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<Lease> running = held();
        for (Lease lease : running) {
            dispatch.release(lease);
            held.remove(lease.trackingId(), lease);
        }
        if (!running.isEmpty()) {
            log.warn(
                    "shutdown: {} sends still running after {}; their leases were released",
                    running.size(),
                    properties.shutdownTimeout());
        }
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return claiming;
    }

    /** The highest phase: stopped before the web server and Camel, which the sends under way still use. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
