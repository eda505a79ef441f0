package org.annulus.bridge;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A child JVM of a test or benchmark (the bridge, the HAPI FHIR JPA server): the {@code java} of
 * this JVM, its output in a log file, waited for until it is ready, stopped gracefully or killed.
 */
public final class JvmProcess implements AutoCloseable {

    private static final int TAIL_LINES = 40;
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;

    private JvmProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mainClass} with the options and arguments; its output goes to {@code log}. */
    public static JvmProcess start(
            String name,
            Path log,
            List<String> jvmOptions,
            String classpath,
            String mainClass,
            List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(arguments);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new JvmProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The classpath this JVM runs on (under Maven: the test classpath). */
    public static String testClasspath() {
        return System.getProperty("java.class.path");
    }

    /** A free port on 127.0.0.1 now (another process could take it before the child binds it: rare). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits (at most {@code limit}) until {@code ready} answers true; fails at once if the process
     * exits, and with the log's tail (test patients' demographics masked) if it does not get ready.
     */
    public void awaitReady(Duration limit, Callable<Boolean> ready) {
        try {
            await().atMost(limit).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            name + " exited (" + process.exitValue() + "), log " + log + ":\n" + tail());
                }
                return ready.call();
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " not ready after " + limit + ", log " + log + ":\n" + tail(), e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGKILL: no shutdown hooks, nothing graceful; returns once the process is gone. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM (a graceful shutdown), waiting for the exit; killed if it does not exit in time. */
    public void terminate() {
        process.destroy();
        try {
            if (!process.waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        terminate();
    }

    /** The last lines of the log, with the test patients' MRNs, names and birth dates masked. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return TestPatients.redacted(
                    String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getClass().getSimpleName() + ")";
        }
    }
}
