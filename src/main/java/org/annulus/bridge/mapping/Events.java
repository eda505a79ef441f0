package org.annulus.bridge.mapping;

import org.annulus.bridge.document.ClinicalEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/** Complications and adverse events, coded in our procedure-complication CodeSystem. */
final class Events {

    private Events() {}

    static CodeableConcept concept(ClinicalEvent event) {
        return new CodeableConcept(new Coding(Terminology.COMPLICATION, event.code(), display(event.code())))
                .setText(describe(event));
    }

    static String describe(ClinicalEvent event) {
        return display(event.code()) + " (" + event.severity() + ")"
                + (event.description() == null ? "" : ": " + event.description());
    }

    private static String display(String code) {
        return switch (code) {
            case "vasovagal-reaction" -> "Vasovagal reaction";
            case "transient-radicular-pain" -> "Transient radicular pain";
            case "discitis" -> "Discitis";
            case "dural-puncture" -> "Dural puncture";
            case "bleeding" -> "Bleeding";
            case "allergic-reaction" -> "Allergic reaction";
            default -> "Other";
        };
    }
}
