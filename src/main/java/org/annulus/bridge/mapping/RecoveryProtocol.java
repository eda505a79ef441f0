package org.annulus.bridge.mapping;

import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;

/**
 * The clinic's recovery protocol after an intra-annular fibrin injection, as data (DOMAIN.md:
 * light walking within days, physical therapy, normal activity over 2-4 weeks, follow-ups, full
 * benefit at 3-6 months). fhir-profiles/PlanDefinition-fibrin-recovery.json publishes the same
 * protocol; RecoveryProtocolTest keeps the two in step.
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

    static final List<Activity> ACTIVITIES = List.of(
            new Activity(
                    "light-walking",
                    Terminology.annulus("light-walking", "Light walking"),
                    "Light walking, a little more each day, from the first days",
                    1,
                    7,
                    Set.of(),
                    Set.of("light-walking"),
                    "goal-normal-activity"),
            new Activity(
                    "physical-therapy",
                    Terminology.PHYSICAL_THERAPY,
                    "Physical therapy, from week 2",
                    8,
                    56,
                    Set.of("physical-therapy-started"),
                    Set.of("physical-therapy-completed"),
                    "goal-function-improvement"),
            new Activity(
                    "normal-activity",
                    Terminology.annulus("return-to-normal-activity", "Return to normal daily activity"),
                    "Back to normal daily activity over 2 to 4 weeks",
                    14,
                    28,
                    Set.of(),
                    Set.of("normal-activity", "return-to-work"),
                    "goal-normal-activity"),
            new Activity(
                    "follow-up-6-weeks",
                    Terminology.annulus("follow-up-visit", "Follow-up visit"),
                    "Follow-up visit at 6 weeks",
                    42,
                    42,
                    Set.of(),
                    Set.of("follow-up-6-weeks"),
                    "goal-pain-improvement"),
            new Activity(
                    "follow-up-3-months",
                    Terminology.annulus("follow-up-visit", "Follow-up visit"),
                    "Follow-up visit at 3 months",
                    90,
                    90,
                    Set.of(),
                    Set.of("follow-up-3-months"),
                    "goal-pain-improvement"),
            new Activity(
                    "follow-up-6-months",
                    Terminology.annulus("follow-up-visit", "Follow-up visit"),
                    "Follow-up visit at 6 months",
                    180,
                    180,
                    Set.of(),
                    Set.of("follow-up-6-months"),
                    "goal-pain-improvement"),
            new Activity(
                    "full-benefit",
                    Terminology.annulus("full-benefit-assessment", "Full benefit assessment"),
                    "Full benefit expected at 3 to 6 months, as the disc heals",
                    90,
                    180,
                    Set.of(),
                    Set.of("full-benefit"),
                    "goal-pain-improvement"));

    static final List<GoalDefinition> GOALS = List.of(
            new GoalDefinition(
                    "goal-normal-activity",
                    Terminology.annulus("return-to-normal-activity", "Return to normal daily activity"),
                    "Return to normal daily activity within 4 weeks",
                    28),
            new GoalDefinition(
                    "goal-pain-improvement",
                    Terminology.annulus("pain-improvement", "Meaningful pain improvement"),
                    "Leg pain at least 2 points lower (0-10) by 3 to 6 months",
                    180),
            new GoalDefinition(
                    "goal-function-improvement",
                    Terminology.annulus("function-improvement", "Meaningful function improvement"),
                    "Oswestry Disability Index at least 10 points lower by 3 to 6 months",
                    180));

    /**
     * Rule 1 (fhir-profiles/README.md): the plan is complete at its last scheduled step, the
     * 6-month follow-up, or earlier when the clinician records full benefit.
     */
    static boolean planComplete(Set<String> reachedMilestones) {
        return reachedMilestones.contains("full-benefit") || reachedMilestones.contains("follow-up-6-months");
    }

    /** Minimal clinically important differences the goals use: 2 points of pain NRS, 10 points of ODI. */
    static final int PAIN_MCID = 2;

    static final int ODI_MCID = 10;
    /** From this day on, a met goal counts as achieved rather than improving. */
    static final int BENEFIT_FROM_DAY = 90;

    private RecoveryProtocol() {}
}
