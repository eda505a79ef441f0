package org.annulus.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.annulus.bridge.ehr.EhrConnection;
import org.annulus.bridge.ehr.EhrPlan;
import org.annulus.bridge.smart.SmartProblem;
import org.annulus.bridge.smart.SmartStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.context.support.StaticApplicationContext;

class ConnectionCheckTest {

    final EhrConnection connection = mock(EhrConnection.class);
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final AtomicInteger exitStatus = new AtomicInteger(-1);
    final StartUpCommands check = new StartUpCommands(
            List.of(new ConnectionCheck(connection, mock(EhrPlan.class))),
            new StaticApplicationContext(),
            exitStatus::set,
            new PrintStream(console, true, StandardCharsets.UTF_8));

    @Test
    void failedCheckPrintsWhatToCheckAndExitsNonZero() throws Exception {
        SmartStatus.Step ok = new SmartStatus.Step(true, "reachable, GET /metadata answered HTTP 200", null, null);
        SmartStatus.Step refused = new SmartStatus.Step(
                false,
                "refused: HTTP 401, invalid_client",
                SmartProblem.INVALID_CLIENT,
                SmartProblem.INVALID_CLIENT.hint());
        when(connection.check())
                .thenReturn(new EhrConnection.Report("https://ehr.example.org/fhir", ok, new SmartStatus(ok, refused)));

        check.run(new DefaultApplicationArguments("--check-connection"));

        assertThat(exitStatus).hasValue(1);
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("EHR connection check: FAILED")
                .contains("https://ehr.example.org/fhir")
                .contains("invalid_client")
                .contains("bridge.ehr.client-id");
    }

    @Test
    void passingCheckExitsZero() throws Exception {
        SmartStatus.Step ok = new SmartStatus.Step(true, "fine", null, null);
        when(connection.check()).thenReturn(new EhrConnection.Report("http://x/fhir", ok, new SmartStatus(ok, ok)));

        check.run(new DefaultApplicationArguments("--check-connection"));

        assertThat(exitStatus).hasValue(0);
        assertThat(console.toString(StandardCharsets.UTF_8)).startsWith("EHR connection check: OK");
    }

    @Test
    void withoutTheOptionTheBridgeJustRuns() throws Exception {
        check.run(new DefaultApplicationArguments());

        assertThat(exitStatus).hasValue(-1);
        verifyNoInteractions(connection);
    }
}
