package org.annulus.bridge.mapping;

import java.util.List;
import java.util.Optional;
import org.annulus.bridge.document.CandidacyAssessment;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.RecoveryMilestone;
import org.annulus.bridge.profiles.ProfileDirectory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns any clinic document into the FHIR transaction bundle that records it in the EHR. Pure: no
 * I/O, no clock, no randomness; patient references carry the MRN until the EHR writer resolves them.
 */
@Component
public class ClinicalMapper {

    private final CandidacyMapper candidacy = new CandidacyMapper();
    private final ProcedureMapper procedure = new ProcedureMapper();
    private final MilestoneMapper milestone;
    private final RecoveryPlanMapper plan;
    private final ProvenanceMapper provenance;
    private final String visitSystem;

    /**
     * Without a visit identifier system or clinic organisation (tests, and hospitals that set none).
     *
     * @param recoveryProtocol the PlanDefinition fhir-profiles/PlanDefinition-fibrin-recovery.json
     *     publishes: the recovery CarePlans and progress notes follow it
     */
    public ClinicalMapper(PlanDefinition recoveryProtocol) {
        this(recoveryProtocol, new VisitProperties(null), new ClinicProperties(null, null, null));
    }

    public ClinicalMapper(PlanDefinition recoveryProtocol, VisitProperties visits, ClinicProperties clinic) {
        RecoveryProtocol protocol = RecoveryProtocol.of(recoveryProtocol);
        this.milestone = new MilestoneMapper(protocol);
        this.plan = new RecoveryPlanMapper(protocol);
        this.visitSystem = visits.configured() ? visits.identifierSystem() : null;
        this.provenance = new ProvenanceMapper(clinic);
    }

    /** The recovery protocol is the PlanDefinition of the profiles directory the validation gate loads. */
    @Autowired
    ClinicalMapper(ProfileDirectory profiles, VisitProperties visits, ClinicProperties clinic) {
        this(
                profiles.planDefinition(RecoveryProtocol.PLAN_DEFINITION)
                        .orElseThrow(() -> new IllegalStateException(
                                "bridge.profiles.dir has no PlanDefinition " + RecoveryProtocol.PLAN_DEFINITION)),
                visits,
                clinic);
    }

    public Bundle map(ClinicalDocument document) {
        Bundle bundle = mapKind(document);
        String visit = document.visit();
        return visitSystem == null || visit == null
                ? bundle
                : Encounters.link(bundle, Encounters.visit(visitSystem, visit));
    }

    private Bundle mapKind(ClinicalDocument document) {
        // Java 17: no pattern switch yet; the interface is sealed, so this list is complete.
        if (document instanceof CandidacyAssessment c) {
            return candidacy.map(c);
        }
        if (document instanceof ProcedureNote p) {
            return procedure.map(p);
        }
        return milestone.map((RecoveryMilestone) document);
    }

    /**
     * Where the document contradicts itself (e.g. decision candidate while a stated criterion is
     * false). Never changes what is mapped: the clinician's judgement stands, the warnings go into
     * the tracking history. Worded without patient data.
     */
    public List<String> warnings(ClinicalDocument document) {
        if (document instanceof CandidacyAssessment c) {
            return CandidacyCriteria.warnings(c);
        }
        return List.of();
    }

    /**
     * The recovery CarePlan and Goals of a procedure note, given the baseline assessment (when
     * known) and every milestone recorded for it so far, as conditional updates.
     */
    public List<Bundle.BundleEntryComponent> recoveryPlan(
            ProcedureNote note, Optional<CandidacyAssessment> baseline, List<RecoveryMilestone> milestones) {
        return plan.plan(note, baseline, milestones);
    }

    /** An update marking a resource an earlier version wrote as entered in error, if it is one of ours. */
    public Optional<Bundle.BundleEntryComponent> retraction(Resource earlier) {
        return Retraction.of(earlier);
    }

    /**
     * Gives back {@code final} (or an earlier amendment's status) to what an amendment did not
     * change, comparing with the bundles the earlier versions map to, oldest first.
     */
    public Bundle amendmentStatuses(Bundle current, List<Bundle> earlierVersions) {
        return Amendments.apply(current, earlierVersions);
    }

    /** Our business identifier value ({@code kind/documentId/part}) of a resource, if it has one. */
    public Optional<String> businessIdentifier(Resource resource) {
        return Retraction.businessIdentifier(resource);
    }

    /**
     * The Provenance of one send: targets are the fullUrls of the bundle's entries, so the EHR links
     * it to what it stored for each.
     */
    public Bundle.BundleEntryComponent provenance(
            ClinicalDocument document,
            String trackingId,
            String sha256,
            java.time.Instant recorded,
            List<String> targets) {
        return provenance.provenance(document, trackingId, sha256, recorded, targets);
    }
}
