package org.annulus.bridge.mapping;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.DocumentStatus;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * The recovery CarePlan and its Goals, as a function of the procedure note, the baseline scores of
 * its candidacy assessment and the set of milestones recorded so far. Being a function of the set,
 * not of the arrival order, milestones that arrive late or out of order end in the same plan.
 */
final class RecoveryPlanMapper {

    static final String CAREPLAN = "careplan-recovery";
    private static final String GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement";

    private final RecoveryProtocol protocol;

    RecoveryPlanMapper(RecoveryProtocol protocol) {
        this.protocol = protocol;
    }

    List<Bundle.BundleEntryComponent> plan(
            ProcedureNote note, Optional<CandidacyAssessment> baseline, List<RecoveryMilestone> milestones) {
        DocumentParts parts = new DocumentParts(note);
        List<RecoveryMilestone> recorded = milestones.stream()
                .filter(m -> m.status() != DocumentStatus.ENTERED_IN_ERROR)
                .filter(m -> m.procedureDocumentId().equals(note.documentId()))
                .sorted(Comparator.comparing(RecoveryMilestone::recordedAt)
                        .thenComparing(RecoveryMilestone::documentId))
                .toList();
        Set<String> reached =
                recorded.stream().map(RecoveryMilestone::milestone).collect(Collectors.toSet());
        LocalDate day0 = note.start().toLocalDate();
        boolean done = RecoveryProtocol.planComplete(reached);
        List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
        for (RecoveryProtocol.GoalDefinition definition : protocol.goals()) {
            entries.add(
                    parts.update(definition.key(), goal(parts, definition, day0, reached, baseline, recorded, done)));
        }
        entries.add(0, parts.update(CAREPLAN, carePlan(parts, note, day0, reached, recorded)));
        if (!parts.retracted()) {
            baseline.filter(b -> b.status() != DocumentStatus.ENTERED_IN_ERROR)
                    .flatMap(b -> EpisodeUpdates.sciaticaInRemission(b, recorded))
                    .ifPresent(entries::add);
            entries.addAll(EpisodeUpdates.proceduresWithAdverseEvents(note, recorded));
        }
        return entries;
    }

    private CarePlan carePlan(
            DocumentParts parts,
            ProcedureNote note,
            LocalDate day0,
            Set<String> reached,
            List<RecoveryMilestone> recorded) {
        CarePlan plan = new CarePlan();
        plan.getMeta().addProfile(Profiles.CAREPLAN).addProfile(Profiles.RECOVERY_CAREPLAN);
        plan.addIdentifier(parts.identifier(CAREPLAN));
        plan.addInstantiatesCanonical(RecoveryProtocol.PLAN_DEFINITION);
        boolean done = RecoveryProtocol.planComplete(reached);
        plan.setStatus(
                parts.retracted()
                        ? CarePlan.CarePlanStatus.ENTEREDINERROR
                        : done ? CarePlan.CarePlanStatus.COMPLETED : CarePlan.CarePlanStatus.ACTIVE);
        plan.setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addCategory(new CodeableConcept(new Coding(
                "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
                "assess-plan",
                "Assessment and Plan of Treatment")));
        plan.setTitle(protocol.title());
        plan.setSubject(parts.patient());
        plan.setPeriod(new Period()
                .setStartElement(new org.hl7.fhir.r4.model.DateTimeType(day0.toString()))
                .setEndElement(new org.hl7.fhir.r4.model.DateTimeType(
                        day0.plusDays(protocol.lastDay()).toString())));
        plan.setAuthor(parts.author());
        plan.setAddresses(note.levels().stream()
                .map(l -> logicalCondition(
                        note,
                        CandidacyMapper.tearPart(l.level()),
                        "Annular tear of the " + l.level().code() + " disc"))
                .toList());
        for (RecoveryProtocol.GoalDefinition goal : protocol.goals()) {
            plan.addGoal(parts.ref(goal.key()));
        }
        List<String> lines = new ArrayList<>(List.of(protocol.title() + " on " + day0));
        for (RecoveryProtocol.Activity activity : protocol.activities()) {
            CarePlan.CarePlanActivityStatus status = activityStatus(activity, reached);
            CarePlan.CarePlanActivityComponent component = plan.addActivity();
            component
                    .getDetail()
                    .setCode(new CodeableConcept(activity.code().copy()).setText(activity.description()))
                    .setStatus(status)
                    .setDescription(activity.description())
                    .setScheduled(new Period()
                            .setStartElement(new org.hl7.fhir.r4.model.DateTimeType(
                                    day0.plusDays(activity.fromDay()).toString()))
                            .setEndElement(new org.hl7.fhir.r4.model.DateTimeType(
                                    day0.plusDays(activity.toDay()).toString())))
                    .addGoal(parts.ref(activity.goal()));
            recorded.stream()
                    .filter(m -> activity.completedBy().contains(m.milestone())
                            || activity.startedBy().contains(m.milestone()))
                    .forEach(m -> component.addOutcomeReference(MilestoneMapper.milestoneRef(m)));
            lines.add(activity.description() + " (" + day0.plusDays(activity.fromDay())
                    + (activity.toDay() == activity.fromDay() ? "" : " to " + day0.plusDays(activity.toDay())) + "): "
                    + status.getDisplay().toLowerCase());
        }
        lines.add(parts.sourceLine());
        plan.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return plan;
    }

    private static CarePlan.CarePlanActivityStatus activityStatus(
            RecoveryProtocol.Activity activity, Set<String> reached) {
        if (activity.completedBy().stream().anyMatch(reached::contains)) {
            return CarePlan.CarePlanActivityStatus.COMPLETED;
        }
        if (activity.startedBy().stream().anyMatch(reached::contains)) {
            return CarePlan.CarePlanActivityStatus.INPROGRESS;
        }
        return CarePlan.CarePlanActivityStatus.SCHEDULED;
    }

    private Goal goal(
            DocumentParts parts,
            RecoveryProtocol.GoalDefinition definition,
            LocalDate day0,
            Set<String> reached,
            Optional<CandidacyAssessment> baseline,
            List<RecoveryMilestone> recorded,
            boolean done) {
        Goal goal = new Goal();
        goal.getMeta().addProfile(Profiles.GOAL);
        goal.addIdentifier(parts.identifier(definition.key()));
        String achievement = achievement(definition, reached, baseline, recorded);
        // Rule 2: when the plan completes, no goal is still being sought (goal-status "completed"),
        // and one not met by then is not-achieved, whatever its trend was.
        if (done && !"achieved".equals(achievement)) {
            achievement = "not-achieved";
        }
        goal.setLifecycleStatus(
                parts.retracted()
                        ? Goal.GoalLifecycleStatus.ENTEREDINERROR
                        : "achieved".equals(achievement) || done
                                ? Goal.GoalLifecycleStatus.COMPLETED
                                : Goal.GoalLifecycleStatus.ACTIVE);
        goal.setAchievementStatus(
                new CodeableConcept(new Coding(GOAL_ACHIEVEMENT, achievement, achievementDisplay(achievement))));
        goal.setDescription(new CodeableConcept(definition.code().copy()).setText(definition.description()));
        goal.setSubject(parts.patient());
        goal.setStart(new DateType(day0.toString()));
        Goal.GoalTargetComponent target = goal.addTarget()
                .setDue(new DateType(day0.plusDays(definition.dueDay()).toString()));
        switch (definition.key()) {
            case "goal-pain-improvement" ->
                target.setMeasure(new CodeableConcept(Terminology.PAIN_NRS.copy()))
                        .setDetail(new org.hl7.fhir.r4.model.StringType("at least " + RecoveryProtocol.PAIN_MCID
                                + " points below the pre-procedure leg pain score"));
            case "goal-function-improvement" ->
                target.setMeasure(new CodeableConcept(Terminology.ODI.copy()))
                        .setDetail(new org.hl7.fhir.r4.model.StringType("at least " + RecoveryProtocol.ODI_MCID
                                + " points below the pre-procedure Oswestry Disability Index"));
            default -> {}
        }
        goal.setText(DocumentParts.narrative(
                definition.description() + ", by " + day0.plusDays(definition.dueDay()),
                "Status: " + achievementDisplay(achievement).toLowerCase(),
                parts.sourceLine()));
        return goal;
    }

    /** goal-achievement code for a goal, from the milestones recorded so far. */
    private static String achievement(
            RecoveryProtocol.GoalDefinition definition,
            Set<String> reached,
            Optional<CandidacyAssessment> baseline,
            List<RecoveryMilestone> recorded) {
        if (definition.key().equals("goal-normal-activity")) {
            return reached.contains("normal-activity") || reached.contains("return-to-work")
                    ? "achieved"
                    : "in-progress";
        }
        boolean pain = definition.key().equals("goal-pain-improvement");
        Optional<RecoveryMilestone> latest = recorded.stream()
                .filter(m -> pain ? m.legPainNrs() != null : m.odi() != null)
                .reduce((a, b) -> b);
        if (baseline.isEmpty() || latest.isEmpty() || (pain && baseline.get().legPain() == null)) {
            return "in-progress";
        }
        BigDecimal before = pain
                ? BigDecimal.valueOf(baseline.get().legPain().nrs())
                : baseline.get().odi();
        BigDecimal now = pain
                ? BigDecimal.valueOf(latest.get().legPainNrs())
                : latest.get().odi();
        BigDecimal gain = before.subtract(now);
        int needed = pain ? RecoveryProtocol.PAIN_MCID : RecoveryProtocol.ODI_MCID;
        if (gain.compareTo(BigDecimal.valueOf(needed)) >= 0) {
            return latest.get().daysSinceProcedure() >= RecoveryProtocol.BENEFIT_FROM_DAY ? "achieved" : "improving";
        }
        if (latest.get().milestone().equals("follow-up-6-months")) {
            return "not-achieved";
        }
        return gain.signum() > 0 ? "improving" : gain.signum() == 0 ? "no-change" : "worsening";
    }

    private static String achievementDisplay(String code) {
        return switch (code) {
            case "achieved" -> "Achieved";
            case "improving" -> "Improving";
            case "worsening" -> "Worsening";
            case "no-change" -> "No Change";
            case "not-achieved" -> "Not Achieved";
            default -> "In Progress";
        };
    }

    private static Reference logicalCondition(ProcedureNote note, String part, String display) {
        return new Reference()
                .setType("Condition")
                .setDisplay(display)
                .setIdentifier(new Identifier()
                        .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                        .setValue(DocumentParts.identifierValue(
                                note, "candidacy-assessment", note.candidacyDocumentId(), part)));
    }
}
