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

    List<Bundle.BundleEntryComponent> plan(ProcedureNote note, Optional<CandidacyAssessment> baseline,
            List<RecoveryMilestone> milestones) {
        DocumentParts parts = new DocumentParts(note);
        List<RecoveryMilestone> recorded = milestones.stream()
                .filter(m -> m.status() != DocumentStatus.ENTERED_IN_ERROR)
                .filter(m -> m.procedureDocumentId().equals(note.documentId()))
                .sorted(Comparator.comparing(RecoveryMilestone::recordedAt).thenComparing(RecoveryMilestone::documentId))
                .toList();
        Set<String> reached = recorded.stream().map(RecoveryMilestone::milestone).collect(Collectors.toSet());
        LocalDate day0 = note.start().toLocalDate();
        boolean done = RecoveryProtocol.planComplete(reached);
        List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
        for (RecoveryProtocol.GoalDefinition definition : RecoveryProtocol.GOALS) {
            entries.add(parts.update(definition.key(), goal(parts, definition, day0, reached, baseline, recorded, done)));
        }
        entries.add(0, parts.update(CAREPLAN, carePlan(parts, note, day0, reached, recorded)));
        if (!parts.retracted()) {
            baseline.filter(b -> b.status() != DocumentStatus.ENTERED_IN_ERROR)
                    .flatMap(b -> sciaticaInRemission(b, recorded))
                    .ifPresent(entries::add);
            entries.addAll(proceduresWithAdverseEvents(note, recorded));
        }
        return entries;
    }

    /**
     * Adverse events recorded at follow-ups are complications of the procedure too: when there are
     * any, each Procedure of the note is written again with {@code complicationDetail} naming the
     * follow-ups' adverse-event Conditions (by business identifier) beside its own complications.
     */
    private static List<Bundle.BundleEntryComponent> proceduresWithAdverseEvents(ProcedureNote note,
            List<RecoveryMilestone> recorded) {
        List<Reference> adverse = new ArrayList<>();
        List<CodeableConcept> codes = new ArrayList<>();
        for (RecoveryMilestone m : recorded) {
            List<String> names = Complications.partNames(m.adverseEvents());
            for (int i = 0; i < names.size(); i++) {
                codes.add(Events.concept(m.adverseEvents().get(i)));
                adverse.add(new Reference().setType("Condition").setDisplay(Events.describe(m.adverseEvents().get(i)))
                        .setIdentifier(new Identifier().setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                                .setValue(new DocumentParts(m).identifierValue(names.get(i)))));
            }
        }
        if (adverse.isEmpty()) {
            return List.of();
        }
        Bundle mapped = new ProcedureMapper().map(note);
        DocumentParts parts = new DocumentParts(note);
        List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
        for (ProcedureNote.TreatedLevel level : note.levels()) {
            String identifier = parts.identifierValue(ProcedureMapper.procedurePart(level));
            mapped.getEntry().stream()
                    .filter(e -> Retraction.businessIdentifier(e.getResource()).filter(identifier::equals).isPresent())
                    .findFirst()
                    .ifPresent(e -> {
                        org.hl7.fhir.r4.model.Procedure procedure = (org.hl7.fhir.r4.model.Procedure) e.getResource().copy();
                        logicalReferences(procedure, mapped);
                        adverse.forEach(a -> procedure.addComplicationDetail(a.copy()));
                        codes.forEach(c -> procedure.addComplication(c.copy()));
                        procedure.getText().getDiv().addTag("p").addText("Adverse events at follow-up: "
                                + String.join("; ", adverse.stream().map(Reference::getDisplay).toList()));
                        entries.add(DocumentParts.updateEntry(parts.fullUrl(ProcedureMapper.procedurePart(level)),
                                procedure, identifier));
                    });
        }
        return entries;
    }

    /**
     * Rule 3 (fhir-profiles/README.md): once the clinician records {@code full-benefit}, the
     * sciatica of the assessment the procedure treated is in remission (condition-clinical: no
     * longer experiencing the symptoms, with a risk of return: the disc can tear again), abated at
     * that milestone. Written as an update of the assessment's own Condition, by its identifier.
     */
    private static Optional<Bundle.BundleEntryComponent> sciaticaInRemission(CandidacyAssessment baseline,
            List<RecoveryMilestone> recorded) {
        Optional<RecoveryMilestone> fullBenefit = recorded.stream()
                .filter(m -> m.milestone().equals("full-benefit")).findFirst();
        if (fullBenefit.isEmpty()) {
            return Optional.empty();
        }
        DocumentParts assessment = new DocumentParts(baseline);
        String identifier = assessment.identifierValue(CandidacyMapper.SCIATICA);
        Bundle assessed = new CandidacyMapper().map(baseline);
        return assessed.getEntry().stream()
                .filter(e -> Retraction.businessIdentifier(e.getResource()).filter(identifier::equals).isPresent())
                .findFirst()
                .map(e -> {
                    org.hl7.fhir.r4.model.Condition sciatica = (org.hl7.fhir.r4.model.Condition) e.getResource().copy();
                    logicalReferences(sciatica, assessed);
                    sciatica.setClinicalStatus(new CodeableConcept(new Coding(Terminology.CONDITION_CLINICAL,
                            "remission", "Remission")));
                    sciatica.setAbatement(DocumentParts.dateTime(fullBenefit.get().recordedAt()));
                    sciatica.getText().getDiv().addTag("p").addText("In remission since "
                            + fullBenefit.get().recordedAt().toLocalDate() + ": full benefit recorded at day "
                            + fullBenefit.get().daysSinceProcedure() + " after the fibrin injection (recovery milestone "
                            + fullBenefit.get().documentId() + ")");
                    return DocumentParts.updateEntry(assessment.fullUrl(CandidacyMapper.SCIATICA), sciatica, identifier);
                });
    }

    private CarePlan carePlan(DocumentParts parts, ProcedureNote note, LocalDate day0, Set<String> reached,
            List<RecoveryMilestone> recorded) {
        CarePlan plan = new CarePlan();
        plan.getMeta().addProfile(Profiles.CAREPLAN).addProfile(Profiles.RECOVERY_CAREPLAN);
        plan.addIdentifier(parts.identifier(CAREPLAN));
        plan.addInstantiatesCanonical(RecoveryProtocol.PLAN_DEFINITION);
        boolean done = RecoveryProtocol.planComplete(reached);
        plan.setStatus(parts.retracted() ? CarePlan.CarePlanStatus.ENTEREDINERROR
                : done ? CarePlan.CarePlanStatus.COMPLETED : CarePlan.CarePlanStatus.ACTIVE);
        plan.setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addCategory(new CodeableConcept(new Coding("http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
                "assess-plan", "Assessment and Plan of Treatment")));
        plan.setTitle("Recovery after intra-annular fibrin injection");
        plan.setSubject(parts.patient());
        plan.setPeriod(new Period().setStartElement(new org.hl7.fhir.r4.model.DateTimeType(day0.toString()))
                .setEndElement(new org.hl7.fhir.r4.model.DateTimeType(day0.plusDays(180).toString())));
        plan.setAuthor(parts.author());
        plan.setAddresses(note.levels().stream()
                .map(l -> logicalCondition(note, CandidacyMapper.tearPart(l.level()), "Annular tear of the "
                        + l.level().code() + " disc"))
                .toList());
        for (RecoveryProtocol.GoalDefinition goal : RecoveryProtocol.GOALS) {
            plan.addGoal(parts.ref(goal.key()));
        }
        List<String> lines = new ArrayList<>(List.of("Recovery after intra-annular fibrin injection on " + day0));
        for (RecoveryProtocol.Activity activity : RecoveryProtocol.ACTIVITIES) {
            CarePlan.CarePlanActivityStatus status = activityStatus(activity, reached);
            CarePlan.CarePlanActivityComponent component = plan.addActivity();
            component.getDetail().setCode(new CodeableConcept(activity.code().copy()).setText(activity.description()))
                    .setStatus(status)
                    .setDescription(activity.description())
                    .setScheduled(new Period()
                            .setStartElement(new org.hl7.fhir.r4.model.DateTimeType(day0.plusDays(activity.fromDay()).toString()))
                            .setEndElement(new org.hl7.fhir.r4.model.DateTimeType(day0.plusDays(activity.toDay()).toString())))
                    .addGoal(parts.ref(activity.goal()));
            recorded.stream().filter(m -> activity.completedBy().contains(m.milestone())
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

    private static CarePlan.CarePlanActivityStatus activityStatus(RecoveryProtocol.Activity activity, Set<String> reached) {
        if (activity.completedBy().stream().anyMatch(reached::contains)) {
            return CarePlan.CarePlanActivityStatus.COMPLETED;
        }
        if (activity.startedBy().stream().anyMatch(reached::contains)) {
            return CarePlan.CarePlanActivityStatus.INPROGRESS;
        }
        return CarePlan.CarePlanActivityStatus.SCHEDULED;
    }

    private Goal goal(DocumentParts parts, RecoveryProtocol.GoalDefinition definition, LocalDate day0,
            Set<String> reached, Optional<CandidacyAssessment> baseline, List<RecoveryMilestone> recorded, boolean done) {
        Goal goal = new Goal();
        goal.getMeta().addProfile(Profiles.GOAL);
        goal.addIdentifier(parts.identifier(definition.key()));
        String achievement = achievement(definition, reached, baseline, recorded);
        // Rule 2: when the plan completes, no goal is still being sought (goal-status "completed"),
        // and one not met by then is not-achieved, whatever its trend was.
        if (done && !"achieved".equals(achievement)) {
            achievement = "not-achieved";
        }
        goal.setLifecycleStatus(parts.retracted() ? Goal.GoalLifecycleStatus.ENTEREDINERROR
                : "achieved".equals(achievement) || done ? Goal.GoalLifecycleStatus.COMPLETED
                        : Goal.GoalLifecycleStatus.ACTIVE);
        goal.setAchievementStatus(new CodeableConcept(new Coding(GOAL_ACHIEVEMENT, achievement, achievementDisplay(achievement))));
        goal.setDescription(new CodeableConcept(definition.code().copy()).setText(definition.description()));
        goal.setSubject(parts.patient());
        goal.setStart(new DateType(day0.toString()));
        Goal.GoalTargetComponent target = goal.addTarget().setDue(new DateType(day0.plusDays(definition.dueDay()).toString()));
        switch (definition.key()) {
            case "goal-pain-improvement" -> target.setMeasure(new CodeableConcept(Terminology.PAIN_NRS.copy()))
                    .setDetail(new org.hl7.fhir.r4.model.StringType("at least " + RecoveryProtocol.PAIN_MCID
                            + " points below the pre-procedure leg pain score"));
            case "goal-function-improvement" -> target.setMeasure(new CodeableConcept(Terminology.ODI.copy()))
                    .setDetail(new org.hl7.fhir.r4.model.StringType("at least " + RecoveryProtocol.ODI_MCID
                            + " points below the pre-procedure Oswestry Disability Index"));
            default -> { }
        }
        goal.setText(DocumentParts.narrative(definition.description() + ", by " + day0.plusDays(definition.dueDay()),
                "Status: " + achievementDisplay(achievement).toLowerCase(), parts.sourceLine()));
        return goal;
    }

    /** goal-achievement code for a goal, from the milestones recorded so far. */
    private static String achievement(RecoveryProtocol.GoalDefinition definition, Set<String> reached,
            Optional<CandidacyAssessment> baseline, List<RecoveryMilestone> recorded) {
        if (definition.key().equals("goal-normal-activity")) {
            return reached.contains("normal-activity") || reached.contains("return-to-work") ? "achieved" : "in-progress";
        }
        boolean pain = definition.key().equals("goal-pain-improvement");
        Optional<RecoveryMilestone> latest = recorded.stream()
                .filter(m -> pain ? m.legPainNrs() != null : m.odi() != null)
                .reduce((a, b) -> b);
        if (baseline.isEmpty() || latest.isEmpty() || (pain && baseline.get().legPain() == null)) {
            return "in-progress";
        }
        BigDecimal before = pain ? BigDecimal.valueOf(baseline.get().legPain().nrs()) : baseline.get().odi();
        BigDecimal now = pain ? BigDecimal.valueOf(latest.get().legPainNrs()) : latest.get().odi();
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

    /**
     * The assessment's Condition travels without the rest of its bundle, so its links to the
     * assessment's other resources (tear, imaging) become logical references by business identifier,
     * as the procedure's reasonReference is: a transaction must not carry a urn:uuid it does not hold.
     */
    private static void logicalReferences(org.hl7.fhir.r4.model.Resource resource, Bundle source) {
        java.util.Map<String, org.hl7.fhir.r4.model.Resource> byUrl = new java.util.HashMap<>();
        source.getEntry().forEach(e -> byUrl.put(e.getFullUrl(), e.getResource()));
        for (Reference ref : new ca.uhn.fhir.util.FhirTerser(ca.uhn.fhir.context.FhirContext.forR4Cached())
                .getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            org.hl7.fhir.r4.model.Resource target = ref.hasReference() ? byUrl.get(ref.getReference()) : null;
            if (target != null) {
                ref.setReference(null).setType(target.fhirType()).setIdentifier(new Identifier()
                        .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                        .setValue(Retraction.businessIdentifier(target).orElseThrow()));
            }
        }
    }

    private static Reference logicalCondition(ProcedureNote note, String part, String display) {
        return new Reference().setType("Condition").setDisplay(display).setIdentifier(new Identifier()
                .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                .setValue("candidacy-assessment/" + note.candidacyDocumentId() + "/" + part));
    }
}
