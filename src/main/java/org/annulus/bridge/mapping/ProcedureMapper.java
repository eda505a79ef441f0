package org.annulus.bridge.mapping;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.ProcedureNote.TreatedLevel;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;

/** A procedure note as one Procedure per treated disc and the note itself. */
final class ProcedureMapper {

    Bundle map(ProcedureNote doc) {
        DocumentParts parts = new DocumentParts(doc);
        for (TreatedLevel level : doc.levels()) {
            parts.add("procedure-" + level.level().code(), procedure(parts, doc, level));
        }
        parts.add("document-note", note(parts, doc));
        return parts.bundle();
    }

    private Procedure procedure(DocumentParts parts, ProcedureNote doc, TreatedLevel level) {
        Procedure procedure = new Procedure();
        procedure.addIdentifier(parts.identifier("procedure-" + level.level().code()));
        procedure.setStatus(parts.retracted() ? Procedure.ProcedureStatus.ENTEREDINERROR : Procedure.ProcedureStatus.COMPLETED);
        procedure.setCode(new CodeableConcept(Terminology.FIBRIN_INJECTION.copy())
                .setText("Intra-annular fibrin injection, " + level.level().code() + " disc"));
        procedure.setSubject(parts.patient());
        procedure.setPerformed(new Period().setStartElement(DocumentParts.dateTime(doc.start()))
                .setEndElement(DocumentParts.dateTime(doc.end())));
        procedure.addPerformer().setActor(parts.author());
        procedure.addBodySite(new CodeableConcept(Terminology.DISC.get(level.level()).copy())
                .setText(level.level().code() + " disc"));
        procedure.addNote().setText("Fibrin sealant " + level.fibrinVolumeMl().toPlainString() + " mL, lot "
                + level.productLot() + "; approach " + level.approach().replace('-', ' '));
        procedure.setText(DocumentParts.narrative(procedure.getCode().getText(),
                "Fibrin sealant " + level.fibrinVolumeMl().toPlainString() + " mL (lot " + level.productLot() + ")",
                "Performed " + doc.start() + " to " + doc.end()));
        return procedure;
    }

    private DocumentReference note(DocumentParts parts, ProcedureNote doc) {
        DocumentReference ref = new DocumentReference();
        ref.addIdentifier(parts.identifier("document-note"));
        ref.setStatus(parts.retracted() ? Enumerations.DocumentReferenceStatus.ENTEREDINERROR
                : Enumerations.DocumentReferenceStatus.CURRENT);
        ref.setType(new CodeableConcept(Terminology.PROCEDURE_NOTE.copy()).setText("Procedure note"));
        ref.addCategory(new CodeableConcept(new org.hl7.fhir.r4.model.Coding(
                "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category", "clinical-note",
                "Clinical Note")));
        ref.setSubject(parts.patient());
        ref.setDate(Date.from(doc.end().toInstant()));
        ref.addAuthor(parts.author());
        ref.addContent().setAttachment(new Attachment().setContentType("text/plain; charset=utf-8")
                .setData(doc.narrative().getBytes(StandardCharsets.UTF_8))
                .setTitle("Intra-annular fibrin injection procedure note"));
        ref.getContext().setPeriod(new Period().setStartElement(DocumentParts.dateTime(doc.start()))
                .setEndElement(DocumentParts.dateTime(doc.end())));
        ref.setText(DocumentParts.narrative("Procedure note: intra-annular fibrin injection, " + doc.start().toLocalDate()));
        return ref;
    }
}
