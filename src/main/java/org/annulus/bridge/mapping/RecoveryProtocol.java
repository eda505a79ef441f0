package org.annulus.bridge.mapping;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;

/**
 * The clinic's recovery protocol after an intra-annular fibrin injection (DOMAIN.md: light walking
 * within days, physical therapy, normal activity over 2-4 weeks, follow-ups, full benefit at 3-6
 * months), read from the PlanDefinition fhir-profiles/PlanDefinition-fibrin-recovery.json publishes:
 * its actions, their timing and goals, and the goals with their targets. What a PlanDefinition does
 * not say (which recorded milestone starts or completes an action, when the plan ends, the score
 * differences a goal asks for) stays here.
 */
final class RecoveryProtocol {

    static final String PLAN_DEFINITION = "http://annulus.org/fhir/PlanDefinition/fibrin-recovery";

    /** Day numbers count from the day of the procedure (day 0). */
    record Activity(
            String key,
            Coding code,
            String description,
            int fromDay,
            int toDay,
            Set<String> startedBy,
            Set<String> completedBy,
            String goal) {}

    record GoalDefinition(String key, Coding code, String description, int dueDay) {}

    /**
     * The recovery-milestone codes that start an action, and those that complete it where its own id
     * is not the milestone that does.
     */
    private static final Map<String, Set<String>> STARTED_BY =
            Map.of("physical-therapy", Set.of("physical-therapy-started"));

    private static final Map<String, Set<String>> COMPLETED_BY = Map.of(
            "physical-therapy", Set.of("physical-therapy-completed"),
            "normal-activity", Set.of("normal-activity", "return-to-work"));

    /** Minimal clinically important differences the goals use: 2 points of pain NRS, 10 points of ODI. */
    static final int PAIN_MCID = 2;

    static final int ODI_MCID = 10;
    /** From this day on, a met goal counts as achieved rather than improving. */
    static final int BENEFIT_FROM_DAY = 90;

    private final String title;
    private final List<Activity> activities;
    private final List<GoalDefinition> goals;

    private RecoveryProtocol(String title, List<Activity> activities, List<GoalDefinition> goals) {
        this.title = title;
        this.activities = activities;
        this.goals = goals;
    }

    /** The protocol the PlanDefinition describes; one it cannot be read from stops start-up. */
    static RecoveryProtocol of(PlanDefinition plan) {
        if (!PLAN_DEFINITION.equals(plan.getUrl())) {
            throw invalid("has url " + plan.getUrl() + ", not " + PLAN_DEFINITION);
        }
        List<GoalDefinition> goals = plan.getGoal().stream()
                .map(g -> new GoalDefinition(
                        g.getId(),
                        only(g.getDescription().getCoding(), "goal " + g.getId() + " description")
                                .copy(),
                        g.getDescription().getText(),
                        days(g.getTargetFirstRep().getDue(), "goal " + g.getId() + " target.due")))
                .toList();
        Set<String> goalIds = goals.stream().map(GoalDefinition::key).collect(Collectors.toSet());
        List<Activity> activities =
                plan.getAction().stream().map(a -> activity(a, goalIds)).toList();
        return new RecoveryProtocol(plan.getTitle(), activities, goals);
    }

    private static Activity activity(PlanDefinition.PlanDefinitionActionComponent action, Set<String> goalIds) {
        String key = action.getId();
        if (!(action.getTiming() instanceof Range timing)) {
            throw invalid("action " + key + " has no timingRange");
        }
        String goal = only(action.getGoalId(), "action " + key + " goalId").getValue();
        if (!goalIds.contains(goal)) {
            throw invalid("action " + key + " names goal " + goal + ", which the PlanDefinition does not define");
        }
        return new Activity(
                key,
                only(only(action.getCode(), "action " + key + " code").getCoding(), "action " + key + " code")
                        .copy(),
                action.getDescription(),
                days(timing.getLow(), "action " + key + " timingRange.low"),
                days(timing.getHigh(), "action " + key + " timingRange.high"),
                STARTED_BY.getOrDefault(key, Set.of()),
                COMPLETED_BY.getOrDefault(key, Set.of(key)),
                goal);
    }

    private static int days(Quantity quantity, String where) {
        if (!(quantity.hasValue() && "d".equals(quantity.getCode()))) {
            throw invalid(where + " is not a number of days (UCUM d)");
        }
        return quantity.getValue().intValueExact();
    }

    private static <T> T only(List<T> list, String where) {
        if (list.size() != 1) {
            throw invalid(where + " must have exactly one element, has " + list.size());
        }
        return list.get(0);
    }

    private static IllegalStateException invalid(String problem) {
        return new IllegalStateException("PlanDefinition fibrin-recovery: " + problem);
    }

    String title() {
        return title;
    }

    List<Activity> activities() {
        return activities;
    }

    List<GoalDefinition> goals() {
        return goals;
    }

    /** The last day of the protocol: when its last activity ends. */
    int lastDay() {
        return activities.stream().mapToInt(Activity::toDay).max().orElse(0);
    }

    /**
     * Rule 1 (fhir-profiles/README.md): the plan is complete at its last scheduled step, the
     * 6-month follow-up, or earlier when the clinician records full benefit.
     */
    static boolean planComplete(Set<String> reachedMilestones) {
        return reachedMilestones.contains("full-benefit") || reachedMilestones.contains("follow-up-6-months");
    }
}
