package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.TreeSet;
import org.annulus.bridge.Fixtures;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.Test;

/** The protocol the mapper writes CarePlans from is read from the published PlanDefinition. */
class RecoveryProtocolTest {

    final PlanDefinition published = Fixtures.recoveryProtocol();

    @Test
    void theProtocolIsThePublishedPlanDefinitionWithItsMilestones() {
        RecoveryProtocol protocol = RecoveryProtocol.of(published);

        assertThat(protocol.title()).isEqualTo("Recovery after intra-annular fibrin injection");
        assertThat(protocol.activities())
                .extracting(a -> a.key() + " " + a.code().getSystem() + "|"
                        + a.code().getCode() + " days "
                        + a.fromDay() + "-" + a.toDay() + " " + a.goal() + " started by " + new TreeSet<>(a.startedBy())
                        + " completed by " + new TreeSet<>(a.completedBy()))
                .containsExactly(
                        "light-walking http://annulus.org/fhir/CodeSystem/annulus-clinical|light-walking days 1-7"
                                + " goal-normal-activity started by [] completed by [light-walking]",
                        "physical-therapy http://snomed.info/sct|91251008 days 8-56 goal-function-improvement"
                                + " started by [physical-therapy-started] completed by [physical-therapy-completed]",
                        "normal-activity http://annulus.org/fhir/CodeSystem/annulus-clinical|return-to-normal-activity"
                                + " days 14-28 goal-normal-activity started by [] completed by"
                                + " [normal-activity, return-to-work]",
                        "follow-up-6-weeks http://annulus.org/fhir/CodeSystem/annulus-clinical|follow-up-visit"
                                + " days 42-42 goal-pain-improvement started by [] completed by [follow-up-6-weeks]",
                        "follow-up-3-months http://annulus.org/fhir/CodeSystem/annulus-clinical|follow-up-visit"
                                + " days 90-90 goal-pain-improvement started by [] completed by [follow-up-3-months]",
                        "follow-up-6-months http://annulus.org/fhir/CodeSystem/annulus-clinical|follow-up-visit"
                                + " days 180-180 goal-pain-improvement started by [] completed by [follow-up-6-months]",
                        "full-benefit http://annulus.org/fhir/CodeSystem/annulus-clinical|full-benefit-assessment"
                                + " days 90-180 goal-pain-improvement started by [] completed by [full-benefit]");
        assertThat(protocol.goals())
                .extracting(g -> g.key() + " " + g.code().getCode() + " due " + g.dueDay())
                .containsExactly(
                        "goal-normal-activity return-to-normal-activity due 28",
                        "goal-pain-improvement pain-improvement due 180",
                        "goal-function-improvement function-improvement due 180");
        assertThat(protocol.lastDay()).isEqualTo(180);
    }

    @Test
    void anActionNamingAGoalThePlanDefinitionLacksStopsStartUp() {
        PlanDefinition broken = Fixtures.recoveryProtocol();
        broken.getAction().get(0).getGoalId().get(0).setValue("goal-unknown");

        assertThatThrownBy(() -> new ClinicalMapper(broken))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("light-walking")
                .hasMessageContaining("goal-unknown");
    }

    @Test
    void anotherPlanDefinitionIsRefused() {
        PlanDefinition other = Fixtures.recoveryProtocol().setUrl("http://example.org/PlanDefinition/other");

        assertThatThrownBy(() -> RecoveryProtocol.of(other)).hasMessageContaining(RecoveryProtocol.PLAN_DEFINITION);
    }
}
