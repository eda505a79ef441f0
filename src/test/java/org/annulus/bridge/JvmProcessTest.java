package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmProcessTest {

    @TempDir
    Path work;

    @Test
    void aChildThatExitsFailsTheWaitAtOnceQuotingItsLogWithTestPatientsMasked() {
        // the JVM's own complaint names the main class: here a test patient's family name
        JvmProcess child = JvmProcess.start(
                "child", work.resolve("child.log"), List.of(), JvmProcess.testClasspath(), "Rivera", List.of());

        assertThatThrownBy(() -> child.awaitReady(Duration.ofSeconds(60), () -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("child exited (1)")
                .hasMessageContaining("Could not find or load main class [redacted]")
                .message()
                .doesNotContain("Rivera");
        assertThat(child.isAlive()).isFalse();
    }

    @Test
    void aFreePortIsOneNothingListensOn() throws Exception {
        int port = JvmProcess.freePort();
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
