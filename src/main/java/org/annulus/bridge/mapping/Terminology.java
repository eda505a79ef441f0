package org.annulus.bridge.mapping;

import java.util.Map;
import org.annulus.bridge.document.DiscLevel;
import org.annulus.bridge.document.Side;
import org.hl7.fhir.r4.model.Coding;

/**
 * The codes the mapping uses, as data. Every code and display is copied from
 * ../shared/TERMINOLOGY.md, which names the source of each; concepts without a verified standard
 * code live in our own CodeSystem ({@link #ANNULUS}) until one is confirmed.
 */
final class Terminology {

    static final String SNOMED = "http://snomed.info/sct";
    static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String LOINC = "http://loinc.org";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String NPI = "http://hl7.org/fhir/sid/us-npi";
    static final String ANNULUS = "http://annulus.org/fhir/CodeSystem/annulus-clinical";
    static final String CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
    static final String CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    static final String CONDITION_VER_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    /** DICOM CID 7604 "Intervertebral Disc" (SNOMED CT). */
    static final Map<DiscLevel, Coding> DISC = Map.of(
            DiscLevel.T12_L1, snomed("76206002", "T12/L1 disc"),
            DiscLevel.L1_L2, snomed("80064006", "L1/L2 disc"),
            DiscLevel.L2_L3, snomed("67459009", "L2/L3 disc"),
            DiscLevel.L3_L4, snomed("62551000", "L3/L4 disc"),
            DiscLevel.L4_L5, snomed("84020006", "L4/L5 disc"),
            DiscLevel.L5_S1, snomed("715056000", "L5/S1 disc"));

    static final Map<Side, Coding> LATERALITY = Map.of(
            Side.LEFT, snomed("7771000", "Left"),
            Side.RIGHT, snomed("24028007", "Right"),
            Side.BILATERAL, snomed("51440002", "Right and left"));

    // SNOMED CT lateralized lower-limb structures and the laterality attribute (docs/terminology-sources.md).
    static final Coding LEFT_LOWER_LIMB = snomed("32153003", "Structure of left lower limb");
    static final Coding RIGHT_LOWER_LIMB = snomed("62175007", "Structure of right lower limb");
    static final Coding LOWER_LIMB = snomed("61685007", "Lower limb structure");
    static final Coding LATERALITY_ATTRIBUTE = snomed("272741003", "Laterality");

    static final Coding SCIATICA = snomed("23056005", "Sciatica");
    static final Coding SCIATICA_RIGHT = icd("M54.31", "Sciatica, right side");
    static final Coding SCIATICA_LEFT = icd("M54.32", "Sciatica, left side");
    static final Coding DISC_RADICULOPATHY_LUMBAR =
            icd("M51.16", "Intervertebral disc disorders with radiculopathy, lumbar region");
    static final Coding DISC_RADICULOPATHY_LUMBOSACRAL =
            icd("M51.17", "Intervertebral disc disorders with radiculopathy, lumbosacral region");
    static final Coding DISC_RADICULOPATHY_THORACOLUMBAR =
            icd("M51.15", "Intervertebral disc disorders with radiculopathy, thoracolumbar region");
    static final Coding STENOSIS_WITHOUT_CLAUDICATION =
            icd("M48.061", "Spinal stenosis, lumbar region without neurogenic claudication");
    static final Coding STENOSIS_WITH_CLAUDICATION =
            icd("M48.062", "Spinal stenosis, lumbar region with neurogenic claudication");

    static final Coding PAIN_NRS =
            new Coding(LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported");

    // Verified for this project (source in docs/terminology-sources.md): VSAC "Conditions associated
    // with chronic pain" 2.16.840.1.113762.1.4.1021.95 lists both annular tear codes.
    static final Coding ANNULAR_TEAR_LUMBAR = snomed("202753007", "Annular tear of lumbar disc");
    static final Coding ANNULAR_TEAR = snomed("240212007", "Tear of the annulus fibrosus of intervertebral disc");
    // LOINC 97909-6, member of the ODI panel 97908-8 (loinc.org; PACIO sample data).
    static final Coding ODI = new Coding(LOINC, "97909-6", "Oswestry disability index score ODI");
    static final Coding PROCEDURE_NOTE = new Coding(LOINC, "28570-0", "Procedure note");
    static final Coding CONSULT_NOTE = new Coding(LOINC, "11488-4", "Consult note");
    static final String US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category";

    // Same VSAC value set as the annular tear codes.
    static final Coding LUMBAR_STENOSIS = snomed("18347007", "Spinal stenosis of lumbar region");
    // DICOM CID 10005 / CID 612 (docs/terminology-sources.md).
    static final Coding FLUOROSCOPY = snomed("44491008", "Fluoroscopy");
    static final Coding LOCAL_ANESTHESIA = snomed("386761002", "Local anesthesia");
    static final Coding SEDATION = snomed("72641008", "Sedation");

    // Project concepts: no standard code confirmed (TERMINOLOGY.md marks them "to verify"); defined
    // in fhir-profiles/CodeSystem-annulus-clinical.json.
    static final Coding DISC_IMAGING_FINDING =
            annulus("disc-imaging-finding", "Imaging finding of intervertebral disc");
    static final Coding FIBRIN_INJECTION = annulus("intra-annular-fibrin-injection", "Intra-annular fibrin injection");
    static final Coding FIBRIN_SEALANT = annulus("fibrin-sealant", "Fibrin sealant");
    static final Coding MODERATE_SEDATION = annulus("moderate-sedation", "Moderate (conscious) sedation");
    static final Coding FACET_JOINT_PAIN = annulus("facet-joint-pain", "Lumbar facet joint pain");
    static final Coding SACROILIAC_JOINT_PAIN = annulus("sacroiliac-joint-pain", "Sacroiliac joint pain");
    static final Coding CONSERVATIVE_CARE = annulus("conservative-care-history", "Conservative care history");
    static final Coding ESI_COUNT = annulus("epidural-steroid-injection-count", "Epidural steroid injections received");
    static final Coding PT_DURATION = annulus("physical-therapy-duration", "Physical therapy duration");
    static final Coding CARE_DURATION = annulus("conservative-care-duration", "Conservative care duration");
    static final Coding MEDICATIONS_TRIED = annulus("medications-tried", "Medications tried");
    static final Coding TARGET_LEVEL = annulus("target-disc-level", "Target disc level");
    static final Coding SPINE_SURGERY_REFERRAL = annulus("spine-surgery-referral", "Referral to spine surgeon");
    static final Coding RECOVERY_MILESTONE = annulus("recovery-milestone-status", "Recovery milestone reached");
    static final Coding TEAR_ZONE = annulus("annular-tear-zone", "Annular tear zone");
    static final Coding STRAIGHT_LEG_RAISE = annulus("straight-leg-raise", "Straight leg raise test");
    static final Coding FEMORAL_STRETCH = annulus("femoral-stretch-test", "Femoral nerve stretch test");
    static final Coding TEST_ANGLE = annulus("test-angle", "Angle at which the test became positive");
    static final Coding ROOT_EXAM = annulus("nerve-root-examination", "Nerve root examination");
    static final Coding MOTOR_GRADE = annulus("motor-grade-mrc", "Motor strength, MRC grade 0-5");
    static final Coding SENSORY = annulus("dermatomal-sensation", "Sensation in the dermatome");
    static final Coding REFLEX = annulus("tendon-reflex", "Tendon reflex");

    static final String CRITERION = "http://annulus.org/fhir/CodeSystem/candidacy-criterion";
    static final String DECISION = "http://annulus.org/fhir/CodeSystem/candidacy-decision";
    static final String MILESTONE = "http://annulus.org/fhir/CodeSystem/recovery-milestone";
    static final String COMPLICATION = "http://annulus.org/fhir/CodeSystem/procedure-complication";
    static final Coding CANDIDACY_DETERMINATION =
            new Coding(CRITERION, "fibrin-candidacy", "Intra-annular fibrin injection candidacy");

    private Terminology() {}

    static Coding snomed(String code, String display) {
        return new Coding(SNOMED, code, display);
    }

    static Coding icd(String code, String display) {
        return new Coding(ICD10CM, code, display);
    }

    static Coding annulus(String code, String display) {
        return new Coding(ANNULUS, code, display);
    }
}
