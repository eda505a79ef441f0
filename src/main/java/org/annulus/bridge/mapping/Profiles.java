package org.annulus.bridge.mapping;

/**
 * The profiles our resources claim in {@code meta.profile}: US Core 6.1.0 where one fits (see
 * ../shared/fhir-packages/README.md), our own (in {@code fhir-profiles/}) where we constrain more.
 */
final class Profiles {

    private static final String US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/";
    private static final String ANNULUS = "http://annulus.org/fhir/StructureDefinition/";

    static final String CONDITION = US_CORE + "us-core-condition-problems-health-concerns";
    /** Pain scores and ODI are patient-reported assessment scores: US Core's screening-assessment fits. */
    static final String SCREENING_ASSESSMENT = US_CORE + "us-core-observation-screening-assessment";

    static final String CLINICAL_RESULT = US_CORE + "us-core-observation-clinical-result";
    static final String PROCEDURE = US_CORE + "us-core-procedure";
    static final String CAREPLAN = US_CORE + "us-core-careplan";
    static final String GOAL = US_CORE + "us-core-goal";
    static final String SERVICE_REQUEST = US_CORE + "us-core-servicerequest";
    static final String DOCUMENT_REFERENCE = US_CORE + "us-core-documentreference";
    static final String MEDICATION = US_CORE + "us-core-medication";

    static final String CANDIDACY_DETERMINATION = ANNULUS + "annulus-candidacy-determination";
    static final String FIBRIN_PROCEDURE = ANNULUS + "annulus-fibrin-procedure";
    static final String RECOVERY_CAREPLAN = ANNULUS + "annulus-recovery-careplan";
    static final String EXT_GUIDANCE = ANNULUS + "procedure-guidance";
    static final String EXT_ANESTHESIA = ANNULUS + "procedure-anesthesia";

    private Profiles() {}
}
