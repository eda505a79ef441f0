package org.annulus.bridge.jmh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.annulus.bridge.intake.ContractCheck;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The intake's contract check of one submitted document (bytes in, accepted or refused out): JSON parse
 * with the parser limits, the JSON Schema of its contract version, the text and clinical rules, SHA-256.
 * Nothing is stored.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ContractCheckBenchmark {

    @Param({"candidacy-assessment", "procedure-note", "recovery-milestone"})
    public String kind;

    @Param({"example", "golden"})
    public String source;

    private ContractCheck check;
    private byte[][] bodies;
    private int next;

    @Setup
    public void setUp() {
        check = new ContractCheck();
        List<String> documents = Inputs.of(kind, source);
        bodies = documents.stream().map(d -> d.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        for (byte[] body : bodies) {
            if (!check.passes(body)) {
                throw new IllegalStateException(
                        "a " + kind + " input fails the contract: the benchmark would time a refusal");
            }
        }
    }

    @Benchmark
    public boolean contractCheck() {
        byte[] body = bodies[next];
        next = (next + 1) % bodies.length;
        return check.passes(body);
    }
}
