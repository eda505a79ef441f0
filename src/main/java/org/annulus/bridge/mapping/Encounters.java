package org.annulus.bridge.mapping;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * Links every resource of a document to the visit it was recorded in: a logical reference to the
 * EHR Encounter by the hospital's visit number (issue 9, point 12). Only when the document names
 * the visit and hospital IT configured the identifier system ({@link VisitProperties}).
 */
final class Encounters {

    private Encounters() {}

    static Reference visit(String system, String visit) {
        return new Reference()
                .setType("Encounter")
                .setDisplay("Visit " + visit)
                .setIdentifier(new Identifier().setSystem(system).setValue(visit));
    }

    static Bundle link(Bundle bundle, Reference encounter) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Observation o) {
                o.setEncounter(encounter.copy());
            } else if (entry.getResource() instanceof Condition c) {
                c.setEncounter(encounter.copy());
            } else if (entry.getResource() instanceof Procedure p) {
                p.setEncounter(encounter.copy());
            } else if (entry.getResource() instanceof MedicationAdministration m) {
                m.setContext(encounter.copy());
            } else if (entry.getResource() instanceof ServiceRequest s) {
                s.setEncounter(encounter.copy());
            } else if (entry.getResource() instanceof DocumentReference d) {
                d.getContext().setEncounter(List.of(encounter.copy()));
            }
        }
        return bundle;
    }
}
