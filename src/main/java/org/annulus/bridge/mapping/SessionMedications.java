package org.annulus.bridge.mapping;

import java.math.BigDecimal;
import java.util.List;
import org.annulus.bridge.document.ProcedureNote;
import org.annulus.bridge.document.ProcedureNote.Administration;
import org.annulus.bridge.document.ProcedureNote.TreatedLevel;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * What was given during the session, as data. The fibrin product is a biologic: a Medication per
 * treated level carries its lot ({@code batch.lotNumber}, searchable as {@code Medication?lot-number=}),
 * and a MedicationAdministration carries the patient, the volume ({@code dosage.dose}) and the
 * intradiscal route, so a recall finds every patient by lot with
 * {@code MedicationAdministration?medication.lot-number=<lot>}. A Device would not fit: fibrin
 * sealant is not a device, and R4 Device has no lot-number search. Sedation agents, the
 * prophylactic antibiotic and contrast (contract v1.1) are MedicationAdministrations too.
 */
final class SessionMedications {

    private SessionMedications() {}

    static String medicationPart(TreatedLevel level) {
        return "medication-fibrin-" + level.level().code();
    }

    static String fibrinPart(TreatedLevel level) {
        return "administration-fibrin-" + level.level().code();
    }

    static Medication fibrinProduct(DocumentParts parts, TreatedLevel level) {
        Medication medication = new Medication();
        medication.getMeta().addProfile(Profiles.MEDICATION);
        medication.addIdentifier(parts.identifier(medicationPart(level)));
        medication.setStatus(
                parts.retracted() ? Medication.MedicationStatus.ENTEREDINERROR : Medication.MedicationStatus.ACTIVE);
        medication.setCode(new CodeableConcept(Terminology.FIBRIN_SEALANT.copy()).setText("Fibrin sealant"));
        medication.getBatch().setLotNumber(level.productLot());
        medication.setText(DocumentParts.narrative(
                "Fibrin sealant, lot " + level.productLot(),
                "Used at the " + level.level().code() + " disc",
                parts.sourceLine()));
        return medication;
    }

    static MedicationAdministration fibrin(DocumentParts parts, ProcedureNote doc, TreatedLevel level) {
        MedicationAdministration given =
                base(parts, doc, fibrinPart(level), List.of(parts.ref(ProcedureMapper.procedurePart(level))));
        given.setMedication(parts.ref(medicationPart(level)).setDisplay("Fibrin sealant, lot " + level.productLot()));
        given.addReasonCode(new CodeableConcept(ProcedureCodes.FIBRIN_ADMINISTRATION.copy())
                .setText("Sealing the annular tear of the " + level.level().code() + " disc"));
        given.getDosage()
                .setRoute(new CodeableConcept(ProcedureCodes.INTRADISCAL.copy()).setText("Intradiscal"))
                .setSite(CandidacyMapper.discSite(level.level()))
                .setDose(millilitres(level.fibrinVolumeMl()));
        given.setText(DocumentParts.narrative(
                "Fibrin sealant " + level.fibrinVolumeMl().toPlainString() + " mL into the "
                        + level.level().code() + " disc, lot " + level.productLot(),
                parts.sourceLine()));
        return given;
    }

    /** A drug of the session: sedation agent, antibiotic or contrast (v1.1). */
    static MedicationAdministration drug(
            DocumentParts parts,
            ProcedureNote doc,
            String part,
            Administration drug,
            CodeableConcept purpose,
            List<Reference> procedures) {
        MedicationAdministration given = base(parts, doc, part, procedures);
        given.setMedication(new CodeableConcept().setText(drug.agent()));
        given.addReasonCode(purpose);
        if (drug.givenAt() != null) {
            given.setEffective(DocumentParts.dateTime(drug.givenAt()));
        }
        MedicationAdministration.MedicationAdministrationDosageComponent dosage = given.getDosage();
        if (drug.route() != null && ProcedureCodes.ROUTES.containsKey(drug.route())) {
            dosage.setRoute(
                    new CodeableConcept(ProcedureCodes.ROUTES.get(drug.route()).copy()).setText(drug.route()));
        }
        dosage.setDose(new Quantity()
                .setValue(drug.dose())
                .setUnit(drug.unit())
                .setSystem(Terminology.UCUM)
                .setCode(ucum(drug.unit())));
        given.setText(DocumentParts.narrative(purpose.getText() + ": " + describe(drug), parts.sourceLine()));
        return given;
    }

    static MedicationAdministration contrast(
            DocumentParts parts, ProcedureNote doc, String part, List<Reference> procedures) {
        MedicationAdministration given = base(parts, doc, part, procedures);
        given.setMedication(new CodeableConcept().setText(doc.contrast().agent()));
        given.addReasonCode(new CodeableConcept(ProcedureCodes.CONTRAST_MEDIUM.copy())
                .setText("Contrast to confirm needle position"));
        given.getDosage()
                .setRoute(new CodeableConcept(ProcedureCodes.INTRADISCAL.copy()).setText("Intradiscal"))
                .setDose(millilitres(doc.contrast().volumeMl()));
        given.setText(DocumentParts.narrative(
                "Contrast: " + doc.contrast().agent() + " "
                        + doc.contrast().volumeMl().toPlainString() + " mL",
                parts.sourceLine()));
        return given;
    }

    static String describe(Administration drug) {
        return drug.agent() + " " + drug.dose().toPlainString() + " " + drug.unit()
                + (drug.route() == null ? "" : " " + drug.route());
    }

    private static MedicationAdministration base(
            DocumentParts parts, ProcedureNote doc, String part, List<Reference> procedures) {
        MedicationAdministration given = new MedicationAdministration();
        given.addIdentifier(parts.identifier(part));
        given.setStatus(
                parts.retracted()
                        ? MedicationAdministration.MedicationAdministrationStatus.ENTEREDINERROR
                        : MedicationAdministration.MedicationAdministrationStatus.COMPLETED);
        given.setSubject(parts.patient());
        given.setEffective(new Period()
                .setStartElement(DocumentParts.dateTime(doc.start()))
                .setEndElement(DocumentParts.dateTime(doc.end())));
        given.addPerformer().setActor(parts.author());
        procedures.forEach(p -> given.addPartOf(p.copy()));
        return given;
    }

    private static Quantity millilitres(BigDecimal volume) {
        return new Quantity()
                .setValue(volume)
                .setUnit("mL")
                .setSystem(Terminology.UCUM)
                .setCode("mL");
    }

    /** The contract's unit names are UCUM codes already, except micrograms. */
    private static String ucum(String unit) {
        return "mcg".equals(unit) ? "ug" : unit;
    }
}
