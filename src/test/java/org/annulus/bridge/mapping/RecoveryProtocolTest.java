package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Range;
import org.junit.jupiter.api.Test;

/** The published PlanDefinition and the protocol the mapper writes CarePlans from must say the same. */
class RecoveryProtocolTest {

    final PlanDefinition published;

    RecoveryProtocolTest() throws IOException {
        published = FhirContext.forR4Cached()
                .newJsonParser()
                .parseResource(
                        PlanDefinition.class,
                        Files.readString(Path.of("fhir-profiles/PlanDefinition-fibrin-recovery.json")));
    }

    @Test
    void activitiesMatchThePublishedPlanDefinition() {
        assertThat(published.getUrl()).isEqualTo(RecoveryProtocol.PLAN_DEFINITION);
        List<String> publishedActions = published.getAction().stream()
                .map(a -> a.getId() + " "
                        + a.getCodeFirstRep().getCodingFirstRep().getSystem() + "|"
                        + a.getCodeFirstRep().getCodingFirstRep().getCode() + " days "
                        + ((Range) a.getTiming()).getLow().getValue().intValue() + "-"
                        + ((Range) a.getTiming()).getHigh().getValue().intValue() + " "
                        + a.getGoalId().get(0).getValue())
                .toList();
        List<String> protocol = RecoveryProtocol.ACTIVITIES.stream()
                .map(a -> a.key() + " " + a.code().getSystem() + "|" + a.code().getCode() + " days " + a.fromDay() + "-"
                        + a.toDay() + " " + a.goal())
                .toList();

        assertThat(protocol).isEqualTo(publishedActions);
    }

    @Test
    void goalsMatchThePublishedPlanDefinition() {
        List<String> publishedGoals = published.getGoal().stream()
                .map(g ->
                        g.getId() + " " + g.getDescription().getCodingFirstRep().getCode() + " due "
                                + g.getTargetFirstRep().getDue().getValue().intValue())
                .toList();
        List<String> protocol = RecoveryProtocol.GOALS.stream()
                .map(g -> g.key() + " " + g.code().getCode() + " due " + g.dueDay())
                .toList();

        assertThat(protocol).isEqualTo(publishedGoals);
    }
}
