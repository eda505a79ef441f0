package org.annulus.bridge.mapping;

import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;

/**
 * The codes the procedure-note and follow-up mapping adds to {@link Terminology}: routes, the
 * fluoroscopy time, complication codes and the patient global impression of change. Each code's
 * source is in docs/terminology-sources.md; concepts without a confirmed standard code are ours.
 */
final class ProcedureCodes {

    /** FHIR R4 core (v3 RouteOfAdministration), so validated offline. */
    static final String ROUTE = "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration";

    static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String PGIC_SYSTEM = "http://annulus.org/fhir/CodeSystem/pgic";

    static final Coding INTRADISCAL = new Coding(ROUTE, "IDISCINJ", "Injection, intradiscal");
    static final Map<String, Coding> ROUTES = Map.of(
            "intravenous", new Coding(ROUTE, "IVINJ", "Injection, intravenous"),
            "intramuscular", new Coding(ROUTE, "IM", "Injection, intramuscular"),
            "subcutaneous", new Coding(ROUTE, "SQ", "Injection, subcutaneous"),
            "oral", new Coding(ROUTE, "PO", "Swallow, oral"));

    /** FHIR R4 example ValueSet procedure-category (SNOMED CT); bundled with HAPI's R4 definitions. */
    static final Coding SURGICAL_PROCEDURE = Terminology.snomed("387713003", "Surgical procedure");

    /** DICOM PS3.16 (radiation dose SR, TID 10001/10004): total fluoroscopy time, in seconds. */
    static final Coding TOTAL_FLUORO_TIME = new Coding(DICOM, "113730", "Total Fluoro Time");

    static final Coding SEDATION_AGENT = Terminology.annulus("procedural-sedation-agent", "Procedural sedation agent");
    static final Coding PROPHYLACTIC_ANTIBIOTIC =
            Terminology.annulus("prophylactic-antibiotic", "Prophylactic antibiotic");
    static final Coding CONTRAST_MEDIUM = Terminology.annulus("contrast-medium", "Contrast medium");
    static final Coding FIBRIN_ADMINISTRATION =
            Terminology.annulus("fibrin-sealant-administration", "Fibrin sealant delivered into the annulus");
    static final Coding PGIC = Terminology.annulus("pgic", "Patient global impression of change");
    static final Coding PROGRESS_NOTE = new Coding(Terminology.LOINC, "11506-3", "Progress note");

    /** SNOMED CT codes for the complication codes we could confirm; the others stay ours only. */
    private static final Map<String, Coding> COMPLICATION_SNOMED =
            Map.of("vasovagal-reaction", Terminology.snomed("398665005", "Vasovagal syncope"));

    /** The 7-point PGIC (Hurst and Bolton 2004), answers defined in fhir-profiles/CodeSystem-pgic.json. */
    private static final Map<Integer, String> PGIC_ANSWERS = Map.of(
            1,
            "Very much improved",
            2,
            "Much improved",
            3,
            "Minimally improved",
            4,
            "No change",
            5,
            "Minimally worse",
            6,
            "Much worse",
            7,
            "Very much worse");

    private ProcedureCodes() {}

    static Optional<Coding> complicationSnomed(String code) {
        return Optional.ofNullable(COMPLICATION_SNOMED.get(code)).map(Coding::copy);
    }

    static Coding pgicAnswer(int value) {
        return new Coding(PGIC_SYSTEM, Integer.toString(value), PGIC_ANSWERS.get(value));
    }
}
