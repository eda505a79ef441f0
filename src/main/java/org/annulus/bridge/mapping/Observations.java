package org.annulus.bridge.mapping;

import java.math.BigDecimal;
import org.annulus.bridge.document.DocumentStatus;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;

/** The Observations that assessments and milestones share: pain scores and the ODI. */
final class Observations {

    static final String LEG_PAIN = "observation-leg-pain";
    static final String BACK_PAIN = "observation-back-pain";
    static final String ODI = "observation-odi";

    private Observations() {}

    static Observation base(
            DocumentParts parts, String part, String category, String categoryDisplay, CodeableConcept code) {
        Observation obs = new Observation();
        obs.addIdentifier(parts.identifier(part));
        obs.setStatus(
                parts.retracted()
                        ? Observation.ObservationStatus.ENTEREDINERROR
                        : parts.document().status() == DocumentStatus.AMENDED
                                ? Observation.ObservationStatus.AMENDED
                                : Observation.ObservationStatus.FINAL);
        obs.addCategory(new CodeableConcept(new Coding(Terminology.OBSERVATION_CATEGORY, category, categoryDisplay)));
        obs.setCode(code);
        obs.setSubject(parts.patient());
        obs.addPerformer(parts.author());
        return obs;
    }

    static Observation addLegPain(DocumentParts parts, int nrs, CodeableConcept legSite, DateTimeType effective) {
        Observation obs = painScore(parts, LEG_PAIN, nrs, legSite, "Leg pain", effective);
        parts.add(LEG_PAIN, obs);
        return obs;
    }

    static void addBackPain(DocumentParts parts, int nrs, DateTimeType effective) {
        parts.add(
                BACK_PAIN,
                painScore(parts, BACK_PAIN, nrs, new CodeableConcept().setText("Low back"), "Back pain", effective));
    }

    static void addOdi(DocumentParts parts, BigDecimal odi, DateTimeType effective) {
        Observation obs = base(
                parts,
                ODI,
                "survey",
                "Survey",
                new CodeableConcept(Terminology.ODI.copy()).setText("Oswestry Disability Index"));
        obs.getMeta().addProfile(Profiles.SCREENING_ASSESSMENT);
        // US Core 6.1 us-core-category "functional-status": the ODI scores limitation in daily activities.
        obs.addCategory(new CodeableConcept(
                new Coding(Terminology.US_CORE_CATEGORY, "functional-status", "Functional Status")));
        obs.setEffective(effective.copy());
        // LOINC 97909-6 has property Score and example UCUM unit {score} (loinc.org/97909-6); "%" would
        // claim a fraction property LOINC does not give it. The value is still the 0-100 index.
        obs.setValue(new Quantity()
                .setValue(odi)
                .setUnit("{score}")
                .setSystem(Terminology.UCUM)
                .setCode("{score}"));
        obs.setText(DocumentParts.narrative(
                "Oswestry Disability Index: " + odi.toPlainString() + " (0 none - 100 maximal disability)"));
        parts.add(ODI, obs);
    }

    /** Leg and back pain share LOINC 72514-3 (TERMINOLOGY.md); bodySite tells them apart. */
    private static Observation painScore(
            DocumentParts parts, String part, int nrs, CodeableConcept site, String label, DateTimeType effective) {
        Observation obs = base(
                parts,
                part,
                "survey",
                "Survey",
                new CodeableConcept(Terminology.PAIN_NRS.copy()).setText(label + " severity (0-10)"));
        obs.getMeta().addProfile(Profiles.SCREENING_ASSESSMENT);
        obs.setEffective(effective.copy());
        obs.setBodySite(site);
        obs.setValue(new Quantity()
                .setValue(nrs)
                .setUnit("{score}")
                .setSystem(Terminology.UCUM)
                .setCode("{score}"));
        obs.setText(DocumentParts.narrative(label + " (" + site.getText().toLowerCase() + "): " + nrs + " out of 10"));
        return obs;
    }

    static Quantity percent(BigDecimal value) {
        return new Quantity()
                .setValue(value)
                .setUnit("%")
                .setSystem(Terminology.UCUM)
                .setCode("%");
    }
}
