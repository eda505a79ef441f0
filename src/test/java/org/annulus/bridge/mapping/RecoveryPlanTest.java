package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Range;
import org.junit.jupiter.api.Test;

class RecoveryPlanTest {

    final ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());

    ProcedureNote note;
    CandidacyAssessment baseline;
    List<RecoveryMilestone> milestones = new ArrayList<>();

    RecoveryPlanTest() throws IOException {
        ThreeMilestones golden = ThreeMilestones.read();
        note = golden.note();
        baseline = golden.baseline();
        milestones.addAll(golden.milestones());
    }

    @Test
    void aChangedPlanDefinitionChangesTheCarePlansWritten() {
        PlanDefinition changed = Fixtures.recoveryProtocol();
        PlanDefinition.PlanDefinitionActionComponent therapy =
                changed.getAction().get(1);
        ((Range) therapy.getTiming()).getLow().setValue(10);
        therapy.setDescription("Physical therapy, from day 10");
        changed.getAction().remove(6);

        CarePlan asPublished = carePlan(mapper);
        CarePlan asChanged = carePlan(new ClinicalMapper(changed));

        assertThat(asPublished.getActivity()).hasSize(7);
        assertThat(asChanged.getActivity()).hasSize(6);
        CarePlan.CarePlanActivityDetailComponent before =
                asPublished.getActivity().get(1).getDetail();
        CarePlan.CarePlanActivityDetailComponent after =
                asChanged.getActivity().get(1).getDetail();
        assertThat(before.getDescription()).isEqualTo("Physical therapy, from week 2");
        assertThat(after.getDescription()).isEqualTo("Physical therapy, from day 10");
        assertThat(before.getScheduledPeriod().getStartElement().getValueAsString())
                .isEqualTo("2026-03-28");
        assertThat(after.getScheduledPeriod().getStartElement().getValueAsString())
                .isEqualTo("2026-03-30");
    }

    private CarePlan carePlan(ClinicalMapper mapper) {
        return (CarePlan) mapper.recoveryPlan(note, Optional.of(baseline), milestones)
                .get(0)
                .getResource();
    }

    @Test
    void milestonesInAnyOrderGiveTheSamePlan() {
        String inOrder = encode(mapper.recoveryPlan(note, Optional.of(baseline), milestones));
        List<RecoveryMilestone> reversed = new ArrayList<>(milestones);
        Collections.reverse(reversed);
        List<RecoveryMilestone> shuffled = List.of(milestones.get(1), milestones.get(2), milestones.get(0));

        assertThat(encode(mapper.recoveryPlan(note, Optional.of(baseline), reversed)))
                .isEqualTo(inOrder);
        assertThat(encode(mapper.recoveryPlan(note, Optional.of(baseline), shuffled)))
                .isEqualTo(inOrder);
    }

    /**
     * Issue 13, item 4: the normal-activity follow-up arrives late, after the 3-month one was sent. The
     * claim makes it wait until that send is done (PatientOrderTest); its own send then composes the plan
     * from the set of milestones stored for the note, so the CarePlan and Goals the EHR ends with are
     * those of the in-order sends.
     */
    @Test
    void aLateEarlierMilestoneEndsInTheSameCarePlanAsInOrder() {
        SendTimeComposition composition = new SendTimeComposition(mapper);
        RecoveryMilestone walking = milestones.get(0);
        RecoveryMilestone normal = milestones.get(1);
        RecoveryMilestone threeMonths = milestones.get(2);

        String inOrder = planOf(composition, threeMonths, List.of(walking, normal, threeMonths));
        String beforeTheLateOne = planOf(composition, threeMonths, List.of(walking, threeMonths));
        String late = planOf(composition, normal, List.of(walking, threeMonths, normal));

        assertThat(beforeTheLateOne).as("the late milestone changes the plan").isNotEqualTo(inOrder);
        assertThat(late).isEqualTo(inOrder);
    }

    /** The CarePlan and Goals one send of {@code sent} writes, knowing the milestones stored by then. */
    private String planOf(SendTimeComposition composition, RecoveryMilestone sent, List<RecoveryMilestone> stored) {
        Bundle bundle = composition
                .compose(
                        sent,
                        mapper.map(sent),
                        new SendTimeComposition.History(List.of(), List.of(note), List.of(baseline), stored),
                        "t-" + sent.documentId(),
                        "0".repeat(64),
                        java.time.Instant.parse("2026-07-01T12:00:00Z"))
                .bundle();
        return encode(bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof CarePlan || e.getResource() instanceof Goal)
                .toList());
    }

    @Test
    void milestonesCompleteTheirActivitiesAndGoals() {
        List<Bundle.BundleEntryComponent> plan = mapper.recoveryPlan(note, Optional.of(baseline), milestones);

        CarePlan carePlan = (CarePlan) plan.get(0).getResource();
        assertThat(carePlan.getActivity())
                .extracting(a -> a.getDetail().getStatus().toCode())
                .containsExactly(
                        "completed", "scheduled", "completed", "scheduled", "completed", "scheduled", "scheduled");
        assertThat(plan)
                .extracting(e -> e.getResource())
                .filteredOn(Goal.class::isInstance)
                .map(Goal.class::cast)
                .extracting(g -> g.getAchievementStatus().getCodingFirstRep().getCode())
                // normal activity reached; leg pain 7 -> 2 by day 91; ODI 46 -> 18 by day 91
                .containsExactly("achieved", "achieved", "achieved");
    }

    @Test
    void withoutMilestonesEverythingIsScheduledAndInProgress() {
        List<Bundle.BundleEntryComponent> plan = mapper.recoveryPlan(note, Optional.of(baseline), List.of());

        CarePlan carePlan = (CarePlan) plan.get(0).getResource();
        assertThat(carePlan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.ACTIVE);
        assertThat(carePlan.getActivity())
                .allMatch(a -> a.getDetail().getStatus() == CarePlan.CarePlanActivityStatus.SCHEDULED);
        assertThat(carePlan.getInstantiatesCanonical().get(0).getValue())
                .isEqualTo("http://annulus.org/fhir/PlanDefinition/fibrin-recovery");
        assertThat(plan).allMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.PUT);
    }

    @Test
    void aRetractedMilestoneNoLongerCounts() {
        List<RecoveryMilestone> withRetraction = new ArrayList<>(milestones);
        RecoveryMilestone normal = milestones.get(1);
        withRetraction.set(
                1,
                new RecoveryMilestone(
                        normal.kind(),
                        normal.schemaVersion(),
                        normal.documentId(),
                        2,
                        org.annulus.bridge.document.DocumentStatus.ENTERED_IN_ERROR,
                        normal.procedureDocumentId(),
                        normal.patient(),
                        normal.author(),
                        normal.recordedAt(),
                        normal.milestone(),
                        normal.daysSinceProcedure(),
                        normal.legPainNrs(),
                        normal.backPainNrs(),
                        normal.odi(),
                        normal.adverseEvents(),
                        normal.note(),
                        normal.visit(),
                        normal.legPainSide(),
                        normal.pgic()));

        CarePlan carePlan = (CarePlan) mapper.recoveryPlan(note, Optional.of(baseline), withRetraction)
                .get(0)
                .getResource();

        assertThat(carePlan.getActivity().get(2).getDetail().getStatus())
                .isEqualTo(CarePlan.CarePlanActivityStatus.SCHEDULED);
    }

    @Test
    void fullBenefitPutsTheTreatedSciaticaInRemission() {
        List<RecoveryMilestone> withFullBenefit = new ArrayList<>(milestones);
        withFullBenefit.add(milestone("RM-2026-000331", "full-benefit", 150, 1, "2026-08-17T09:00:00-05:00"));

        List<Bundle.BundleEntryComponent> plan = mapper.recoveryPlan(note, Optional.of(baseline), withFullBenefit);

        Condition sciatica = plan.stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Condition.class::isInstance)
                .map(Condition.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(sciatica.getIdentifierFirstRep().getValue())
                .isEqualTo(DocumentParts.identifierValue(
                        baseline, "candidacy-assessment", "CA-2026-000123", "condition-sciatica"));
        assertThat(sciatica.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("remission");
        assertThat(sciatica.getAbatementDateTimeType().getValueAsString()).isEqualTo("2026-08-17T09:00:00-05:00");
        assertThat(sciatica.getText().getDiv().allText()).contains("In remission since 2026-08-17");
        assertThat(plan)
                .filteredOn(e -> e.getResource() instanceof Condition)
                .singleElement()
                .satisfies(e -> assertThat(e.getRequest().getUrl())
                        .endsWith("|"
                                + DocumentParts.identifierValue(
                                        baseline, "candidacy-assessment", "CA-2026-000123", "condition-sciatica")));
    }

    @Test
    void beforeFullBenefitTheSciaticaIsLeftAsTheAssessmentWroteIt() {
        List<RecoveryMilestone> sixMonths = new ArrayList<>(milestones);
        sixMonths.add(milestone("RM-2026-000341", "follow-up-6-months", 182, 1, "2026-09-18T09:00:00-05:00"));

        assertThat(mapper.recoveryPlan(note, Optional.of(baseline), sixMonths))
                .noneMatch(e -> e.getResource() instanceof Condition);
    }

    @Test
    void aGoalNotMetWhenThePlanCompletesIsNotAchievedAndNoLongerActive() {
        // Leg pain 7 at baseline, still 6 at the six-month visit: the pain goal was not met.
        List<RecoveryMilestone> unmet = List.of(
                milestones.get(0),
                milestone("RM-2026-000341", "follow-up-6-months", 182, 6, "2026-09-18T09:00:00-05:00"));

        List<Bundle.BundleEntryComponent> plan = mapper.recoveryPlan(note, Optional.of(baseline), unmet);

        assertThat(((CarePlan) plan.get(0).getResource()).getStatus()).isEqualTo(CarePlan.CarePlanStatus.COMPLETED);
        Goal pain = plan.stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Goal.class::isInstance)
                .map(Goal.class::cast)
                .filter(g -> g.getIdentifierFirstRep().getValue().endsWith("goal-pain-improvement"))
                .findFirst()
                .orElseThrow();
        assertThat(pain.getAchievementStatus().getCodingFirstRep().getCode()).isEqualTo("not-achieved");
        assertThat(pain.getLifecycleStatus()).isEqualTo(Goal.GoalLifecycleStatus.COMPLETED);
        assertThat(plan)
                .extracting(Bundle.BundleEntryComponent::getResource)
                .filteredOn(Goal.class::isInstance)
                .map(Goal.class::cast)
                .allSatisfy(g -> assertThat(g.getLifecycleStatus()).isEqualTo(Goal.GoalLifecycleStatus.COMPLETED));
    }

    @Test
    void whileThePlanRunsAnUnmetGoalStaysActive() {
        List<Bundle.BundleEntryComponent> plan = mapper.recoveryPlan(
                note,
                Optional.of(baseline),
                List.of(milestone("RM-2026-000351", "follow-up-6-weeks", 43, 6, "2026-05-02T09:00:00-05:00")));

        assertThat(plan)
                .extracting(Bundle.BundleEntryComponent::getResource)
                .filteredOn(Goal.class::isInstance)
                .map(Goal.class::cast)
                .allSatisfy(g -> assertThat(g.getLifecycleStatus()).isEqualTo(Goal.GoalLifecycleStatus.ACTIVE));
    }

    @Test
    void anAdverseEventAtAFollowUpIsLinkedFromTheProcedure() {
        RecoveryMilestone m = milestones.get(2);
        RecoveryMilestone withDiscitis = new RecoveryMilestone(
                m.kind(),
                m.schemaVersion(),
                m.documentId(),
                1,
                m.status(),
                m.procedureDocumentId(),
                m.patient(),
                m.author(),
                m.recordedAt(),
                m.milestone(),
                m.daysSinceProcedure(),
                m.legPainNrs(),
                m.backPainNrs(),
                m.odi(),
                List.of(new org.annulus.bridge.document.ClinicalEvent("discitis", "Early discitis on MRI", "moderate")),
                null,
                null,
                null,
                null);

        List<Bundle.BundleEntryComponent> plan =
                mapper.recoveryPlan(note, Optional.of(baseline), List.of(milestones.get(0), withDiscitis));

        org.hl7.fhir.r4.model.Procedure procedure = plan.stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(org.hl7.fhir.r4.model.Procedure.class::isInstance)
                .map(org.hl7.fhir.r4.model.Procedure.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(procedure.getComplicationDetail())
                .extracting(r -> r.getIdentifier().getValue())
                .containsExactly(DocumentParts.identifierValue(
                        m, "recovery-milestone", m.documentId(), "condition-complication-discitis"));
        assertThat(procedure.getComplicationDetail()).noneMatch(r -> r.hasReference());
        assertThat(procedure.getUsedReference()).allMatch(r -> !r.hasReference() && r.hasIdentifier());
        assertThat(CodedRules.complicationViolations(new Bundle()
                        .addEntry(plan.stream()
                                .filter(e -> e.getResource() == procedure)
                                .findFirst()
                                .orElseThrow())))
                .isEmpty();
        assertThat(mapper.recoveryPlan(note, Optional.of(baseline), milestones))
                .noneMatch(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Procedure);
    }

    private RecoveryMilestone milestone(String id, String milestone, int day, int legPain, String at) {
        RecoveryMilestone m = milestones.get(2);
        return new RecoveryMilestone(
                m.kind(),
                m.schemaVersion(),
                id,
                1,
                m.status(),
                m.procedureDocumentId(),
                m.patient(),
                m.author(),
                java.time.OffsetDateTime.parse(at),
                milestone,
                day,
                legPain,
                m.backPainNrs(),
                m.odi(),
                List.of(),
                null,
                null,
                null,
                null);
    }

    private static String encode(List<Bundle.BundleEntryComponent> entries) {
        Bundle bundle = new Bundle();
        entries.forEach(bundle::addEntry);
        return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(bundle);
    }
}
