package org.annulus.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.annulus.bridge.ehr.EhrConnection;
import org.annulus.bridge.ehr.EhrPlan;
import org.annulus.bridge.smart.SmartStatus;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;

/** Health's EHR component names the profile and the plan, as start-up logged it. */
class EhrHealthIndicatorTest {

    final EhrConnection connection = mock(EhrConnection.class);
    final EhrPlan plan = mock(EhrPlan.class);
    final SmartStatus.Step ok = new SmartStatus.Step(true, "fine", null, null);

    @Test
    void theEhrComponentShowsTheProfileThePlanAndWhatIsUnverified() {
        when(connection.probe()).thenReturn(new EhrConnection.Report("http://x/fhir", ok, new SmartStatus(ok, ok)));
        when(plan.current())
                .thenReturn(new EhrPlan.Summary(
                        "epic",
                        "Epic (FHIR R4, backend system app)",
                        Optional.of("EHR plan (profile epic): Procedure -> procedure note; transaction: no"),
                        List.of("CarePlan.create")));

        Health health = new EhrHealthIndicator(connection, plan).health();

        assertThat(health.getDetails().get("plan"))
                .isEqualTo(Map.of(
                        "profile", "epic",
                        "title", "Epic (FHIR R4, backend system app)",
                        "writes", "EHR plan (profile epic): Procedure -> procedure note; transaction: no",
                        "unverified", List.of("CarePlan.create")));
    }

    @Test
    void beforeTheStatementWasReadHealthSaysSoWithoutAskingTheEhr() {
        when(connection.probe()).thenReturn(new EhrConnection.Report("http://x/fhir", ok, new SmartStatus(ok, ok)));
        when(plan.current()).thenReturn(new EhrPlan.Summary("generic", "Generic", Optional.empty(), List.of()));

        Health health = new EhrHealthIndicator(connection, plan).health();

        assertThat(health.getDetails().get("plan"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("profile", "generic")
                .doesNotContainKey("unverified")
                .hasEntrySatisfying("writes", w -> assertThat((String) w).startsWith("not known yet"));
    }
}
