package org.annulus.bridge.intake;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.annulus.bridge.outbox.DiscardingOutbox;

/**
 * The intake's contract check as the running bridge does it (UTF-8, parser limits, JSON Schema of the
 * declared contract version, text rules, reading into the model, clinical rules, SHA-256), with an
 * outbox that stores nothing: the JMH benchmark's view of {@link DocumentIntake}, which is
 * package-private inside.
 */
public final class ContractCheck {

    private final DocumentIntake intake;

    public ContractCheck() {
        IntakeProperties properties =
                new IntakeProperties(Path.of("data", "inbox"), 1_048_576, Duration.ofMinutes(5), 5);
        intake = new DocumentIntake(
                new DocumentSchemas(),
                new DiscardingOutbox(),
                properties,
                new SimpleMeterRegistry(),
                Clock.systemUTC());
    }

    /** True when the document passes the contract, as a {@code 202} would say. */
    public boolean passes(byte[] body) {
        return intake.accept(body, "jmh") instanceof IntakeResult.Accepted;
    }
}
