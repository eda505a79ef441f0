package org.annulus.bridge.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.annulus.bridge.document.ClinicalEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;

/**
 * A complication of the procedure or an adverse event at a follow-up as its own Condition, so that
 * it reaches the chart's problem views instead of living only inside the Procedure or Observation.
 *
 * <p>Category, by what the event asks of the clinicians who see the patient next: discitis (an
 * infection of the disc, treated for weeks) and any severe event need ongoing management and go on
 * the problem list ({@code problem-list-item}, US Core Condition Problems and Health Concerns); the
 * others (a vasovagal reaction, transient radicular pain, a dural puncture managed on the day) are a
 * diagnosis of that visit ({@code encounter-diagnosis}, US Core Condition Encounter Diagnosis) and do
 * not clutter the problem list.
 */
final class Complications {

    static final String ENCOUNTER_DIAGNOSIS_PROFILE =
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-encounter-diagnosis";

    private Complications() {}

    /** One Condition per event; parts are named by event code, numbered when a code repeats. */
    static List<Reference> add(
            DocumentParts parts,
            List<ClinicalEvent> events,
            DateTimeType recorded,
            DateTimeType onset,
            String context) {
        List<Reference> refs = new ArrayList<>();
        List<String> names = partNames(events);
        for (int i = 0; i < events.size(); i++) {
            parts.add(names.get(i), condition(parts, names.get(i), events.get(i), recorded, onset, context));
            refs.add(parts.ref(names.get(i)));
        }
        return refs;
    }

    static List<String> partNames(List<ClinicalEvent> events) {
        List<String> names = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (ClinicalEvent event : events) {
            int n = seen.merge(event.code(), 1, Integer::sum);
            names.add("condition-complication-" + event.code() + (n == 1 ? "" : "-" + n));
        }
        return names;
    }

    static boolean onProblemList(ClinicalEvent event) {
        return "discitis".equals(event.code()) || "severe".equals(event.severity());
    }

    private static Condition condition(
            DocumentParts parts,
            String part,
            ClinicalEvent event,
            DateTimeType recorded,
            DateTimeType onset,
            String context) {
        CodeableConcept code = new CodeableConcept();
        ProcedureCodes.complicationSnomed(event.code()).ifPresent(code::addCoding);
        code.addCoding(Events.concept(event).getCodingFirstRep());
        code.setText(Events.describe(event));
        Condition condition = Conditions.problem(parts, part, code, recorded);
        if (!onProblemList(event)) {
            condition.getMeta().getProfile().clear();
            condition.getMeta().addProfile(ENCOUNTER_DIAGNOSIS_PROFILE);
            condition.getCategory().clear();
            condition.addCategory(new CodeableConcept(
                    new Coding(Terminology.CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")));
        }
        if (onset != null) {
            condition.setOnset(onset.copy());
        }
        condition.setText(DocumentParts.narrative(
                context + ": " + Events.describe(event),
                onProblemList(event) ? "On the problem list: needs follow-up" : "Diagnosis of this visit",
                parts.sourceLine()));
        return condition;
    }
}
