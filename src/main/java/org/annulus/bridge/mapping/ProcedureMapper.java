package org.annulus.bridge.mapping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.annulus.bridge.document.ClinicalEvent;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.ProcedureNote.Administration;
import org.annulus.bridge.document.ProcedureNote.TreatedLevel;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * A procedure note as one Procedure per treated disc (bilateral symptoms from one disc are one
 * Procedure: the injection treats a disc, not a side), the fibrin product per disc as data (lot and
 * volume, see {@link SessionMedications}), each complication as its own Condition, and the note itself.
 */
final class ProcedureMapper {

    static final String NOTE = "document-note";
    static final String FLUOROSCOPY_TIME = "observation-fluoroscopy-time";

    Bundle map(ProcedureNote doc) {
        DocumentParts parts = new DocumentParts(doc);
        List<Reference> procedures =
                doc.levels().stream().map(l -> parts.ref(procedurePart(l))).toList();
        List<Reference> complications = Complications.add(
                parts,
                doc.complications(),
                DocumentParts.dateTime(doc.end()),
                DocumentParts.dateTime(doc.start()),
                "Complication of the procedure");
        for (TreatedLevel level : doc.levels()) {
            parts.add(procedurePart(level), procedure(parts, doc, level, complications));
            parts.add(SessionMedications.medicationPart(level), SessionMedications.fibrinProduct(parts, level));
            parts.add(SessionMedications.fibrinPart(level), SessionMedications.fibrin(parts, doc, level));
        }
        addSessionDrugs(parts, doc, procedures);
        if (doc.fluoroscopyTimeSeconds() != null) {
            parts.add(FLUOROSCOPY_TIME, fluoroscopyTime(parts, doc, procedures));
        }
        parts.add(NOTE, note(parts, doc));
        return parts.bundle();
    }

    static String procedurePart(TreatedLevel level) {
        return "procedure-" + level.level().code();
    }

    private static void addSessionDrugs(DocumentParts parts, ProcedureNote doc, List<Reference> procedures) {
        List<Administration> agents = doc.anesthesia().sedationAgents();
        for (int i = 0; i < agents.size(); i++) {
            parts.add(
                    "administration-sedation-" + (i + 1),
                    SessionMedications.drug(
                            parts,
                            doc,
                            "administration-sedation-" + (i + 1),
                            agents.get(i),
                            new CodeableConcept(ProcedureCodes.SEDATION_AGENT.copy()).setText("Procedural sedation"),
                            procedures));
        }
        if (doc.prophylacticAntibiotic() != null) {
            parts.add(
                    "administration-antibiotic",
                    SessionMedications.drug(
                            parts,
                            doc,
                            "administration-antibiotic",
                            doc.prophylacticAntibiotic(),
                            new CodeableConcept(ProcedureCodes.PROPHYLACTIC_ANTIBIOTIC.copy())
                                    .setText("Prophylactic antibiotic"),
                            procedures));
        }
        if (doc.contrast() != null) {
            parts.add(
                    "administration-contrast",
                    SessionMedications.contrast(parts, doc, "administration-contrast", procedures));
        }
    }

    private Procedure procedure(
            DocumentParts parts, ProcedureNote doc, TreatedLevel level, List<Reference> complications) {
        String disc = level.level().code();
        Procedure procedure = new Procedure();
        procedure.getMeta().addProfile(Profiles.PROCEDURE).addProfile(Profiles.FIBRIN_PROCEDURE);
        procedure.addIdentifier(parts.identifier(procedurePart(level)));
        procedure.setStatus(
                parts.retracted() ? Procedure.ProcedureStatus.ENTEREDINERROR : Procedure.ProcedureStatus.COMPLETED);
        procedure.setCategory(new CodeableConcept(ProcedureCodes.SURGICAL_PROCEDURE.copy()));
        procedure.setCode(new CodeableConcept(Terminology.FIBRIN_INJECTION.copy())
                .setText("Intra-annular fibrin injection, " + disc + " disc"));
        procedure.setSubject(parts.patient());
        procedure.setPerformed(new Period()
                .setStartElement(DocumentParts.dateTime(doc.start()))
                .setEndElement(DocumentParts.dateTime(doc.end())));
        procedure.addPerformer().setActor(parts.author());
        if (doc.facility() != null) {
            procedure.setLocation(new Reference().setDisplay(doc.facility()));
        }
        procedure.addBodySite(CandidacyMapper.discSite(level.level()));
        procedure.setReasonReference(reasons(doc, level));
        String product = "Fibrin sealant " + level.fibrinVolumeMl().toPlainString() + " mL, lot " + level.productLot();
        procedure.addUsedCode(new CodeableConcept(Terminology.FIBRIN_SEALANT.copy()).setText(product));
        procedure.addUsedReference(
                parts.ref(SessionMedications.medicationPart(level)).setDisplay(product));
        procedure.addExtension(Profiles.EXT_GUIDANCE, guidance(doc.guidance()));
        procedure.addExtension(
                Profiles.EXT_ANESTHESIA,
                new CodeableConcept(Terminology.LOCAL_ANESTHESIA.copy())
                        .setText("Local anaesthesia: " + doc.anesthesia().local()));
        if (!"none".equals(doc.anesthesia().sedation())) {
            procedure.addExtension(
                    Profiles.EXT_ANESTHESIA, sedation(doc.anesthesia().sedation()));
        }
        List<String> lines = new ArrayList<>(List.of(
                procedure.getCode().getText(),
                "Approach: " + level.approach().replace('-', ' '),
                product,
                "Guidance: " + doc.guidance() + "; anaesthesia: "
                        + doc.anesthesia().local() + ", " + doc.anesthesia().sedation() + " sedation",
                "Performed " + DocumentParts.dateTime(doc.start()).getValueAsString() + " to "
                        + DocumentParts.dateTime(doc.end()).getValueAsString()));
        lines.addAll(sessionLines(doc));
        for (ClinicalEvent complication : doc.complications()) {
            procedure.addComplication(Events.concept(complication));
            lines.add("Complication: " + Events.describe(complication));
        }
        complications.forEach(c -> procedure.addComplicationDetail(c.copy()));
        if (doc.complications().isEmpty()) {
            lines.add("No complications");
        }
        procedure.setOutcome(new CodeableConcept().setText(disposition(doc.disposition())));
        procedure
                .addNote()
                .setText("Approach " + level.approach().replace('-', ' ') + "; "
                        + level.fibrinVolumeMl().toPlainString() + " mL fibrin sealant, lot " + level.productLot());
        lines.add(disposition(doc.disposition()));
        lines.add(parts.sourceLine());
        procedure.setText(DocumentParts.narrative(lines.toArray(String[]::new)));
        return procedure;
    }

    /** The v1.1 session details, for the Procedure's narrative. */
    private static List<String> sessionLines(ProcedureNote doc) {
        List<String> lines = new ArrayList<>();
        if (doc.visit() != null) {
            lines.add("Visit " + doc.visit());
        }
        if (!doc.anesthesia().sedationAgents().isEmpty()) {
            lines.add("Sedation: "
                    + String.join(
                            ", ",
                            doc.anesthesia().sedationAgents().stream()
                                    .map(SessionMedications::describe)
                                    .toList()));
        }
        if (doc.prophylacticAntibiotic() != null) {
            lines.add("Prophylactic antibiotic: " + SessionMedications.describe(doc.prophylacticAntibiotic()));
        }
        if (doc.contrast() != null) {
            lines.add("Contrast: " + doc.contrast().agent() + " "
                    + doc.contrast().volumeMl().toPlainString() + " mL");
        }
        if (doc.fluoroscopyTimeSeconds() != null) {
            lines.add("Fluoroscopy time: " + doc.fluoroscopyTimeSeconds().toPlainString() + " s");
        }
        return lines;
    }

    private static Observation fluoroscopyTime(DocumentParts parts, ProcedureNote doc, List<Reference> procedures) {
        Observation obs = Observations.base(
                parts,
                FLUOROSCOPY_TIME,
                "procedure",
                "Procedure",
                new CodeableConcept(ProcedureCodes.TOTAL_FLUORO_TIME.copy()).setText("Total fluoroscopy time"));
        obs.setEffective(new Period()
                .setStartElement(DocumentParts.dateTime(doc.start()))
                .setEndElement(DocumentParts.dateTime(doc.end())));
        procedures.forEach(p -> obs.addPartOf(p.copy()));
        obs.setValue(new Quantity()
                .setValue(doc.fluoroscopyTimeSeconds())
                .setUnit("s")
                .setSystem(Terminology.UCUM)
                .setCode("s"));
        obs.setText(DocumentParts.narrative(
                "Total fluoroscopy time: " + doc.fluoroscopyTimeSeconds().toPlainString() + " s", parts.sourceLine()));
        return obs;
    }

    /**
     * The Conditions of the candidacy assessment this procedure treats, by business identifier: a
     * logical reference, valid whether or not the assessment reached this EHR first.
     */
    private static List<Reference> reasons(ProcedureNote doc, TreatedLevel level) {
        return List.of(
                conditionRef(
                        candidacyPart(doc, CandidacyMapper.tearPart(level.level())),
                        "Annular tear of the " + level.level().code() + " disc"),
                conditionRef(candidacyPart(doc, CandidacyMapper.SCIATICA), "Sciatica"));
    }

    private static String candidacyPart(ProcedureNote doc, String part) {
        return DocumentParts.identifierValue(doc, "candidacy-assessment", doc.candidacyDocumentId(), part);
    }

    private static Reference conditionRef(String identifier, String display) {
        return new Reference()
                .setType("Condition")
                .setDisplay(display)
                .setIdentifier(new Identifier()
                        .setSystem(DocumentParts.IDENTIFIER_SYSTEM)
                        .setValue(identifier));
    }

    private static CodeableConcept guidance(String guidance) {
        return "fluoroscopy".equals(guidance)
                ? new CodeableConcept(Terminology.FLUOROSCOPY.copy()).setText("Fluoroscopic guidance")
                : new CodeableConcept().setText(guidance + " guidance");
    }

    private static CodeableConcept sedation(String level) {
        CodeableConcept concept = new CodeableConcept(Terminology.SEDATION.copy());
        if ("moderate".equals(level)) {
            concept.addCoding(Terminology.MODERATE_SEDATION.copy());
        }
        return concept.setText(level.substring(0, 1).toUpperCase() + level.substring(1) + " sedation");
    }

    private static String disposition(String disposition) {
        return switch (disposition) {
            case "discharged-home" -> "Discharged home the same day";
            case "admitted" -> "Admitted";
            default -> "Transferred";
        };
    }

    private DocumentReference note(DocumentParts parts, ProcedureNote doc) {
        DocumentReference ref = parts.clinicalNote(NOTE, Terminology.PROCEDURE_NOTE, "Procedure note");
        ref.setDate(Date.from(doc.end().toInstant()));
        ref.setDescription("Intra-annular fibrin injection procedure note");
        ref.addContent()
                .setAttachment(new Attachment()
                        .setContentType("text/plain; charset=utf-8")
                        .setData(doc.narrative().getBytes(StandardCharsets.UTF_8))
                        .setTitle("Intra-annular fibrin injection procedure note"));
        ref.getContext()
                .setPeriod(new Period()
                        .setStartElement(DocumentParts.dateTime(doc.start()))
                        .setEndElement(DocumentParts.dateTime(doc.end())));
        // Linked to every structured resource of the note: Procedures, fibrin products, drugs, complications.
        parts.bundle().getEntry().forEach(e -> ref.getContext().addRelated(new Reference(e.getFullUrl())));
        ref.setText(DocumentParts.narrative(
                "Procedure note: intra-annular fibrin injection, " + doc.start().toLocalDate(), parts.sourceLine()));
        return ref;
    }
}
