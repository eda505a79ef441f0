package org.annulus.bridge.mapping;

import org.annulus.bridge.document.RecoveryMilestone;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;

/** A recovery milestone as the scores measured at that follow-up. */
final class MilestoneMapper {

    Bundle map(RecoveryMilestone doc) {
        DocumentParts parts = new DocumentParts(doc);
        DateTimeType measured = DocumentParts.dateTime(doc.recordedAt());
        if (doc.legPainNrs() != null) {
            Observations.addLegPain(parts, doc.legPainNrs(), new CodeableConcept().setText("Leg"), measured);
        }
        if (doc.backPainNrs() != null) {
            Observations.addBackPain(parts, doc.backPainNrs(), measured);
        }
        if (doc.odi() != null) {
            Observations.addOdi(parts, doc.odi(), measured);
        }
        return parts.bundle();
    }
}
