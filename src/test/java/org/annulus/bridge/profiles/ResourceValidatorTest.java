package org.annulus.bridge.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.annulus.bridge.profiles.ValidationReport.Issue;
import org.annulus.bridge.profiles.ValidationReport.Severity;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations.FHIRVersion;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceValidatorTest {

    static final String US_CORE_CONDITION =
            "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns";

    final ResourceValidator validator = Validators.PROJECT;

    @Test
    void usCoreConformantConditionHasNoErrors() {
        ValidationReport report = validator.validate(sciatica());

        assertThat(report.errors()).isEmpty();
        assertThat(report.hasErrors()).isFalse();
    }

    @Test
    void conditionWithoutSubjectIsAnErrorAtSubject() {
        Condition condition = sciatica();
        condition.setSubject(null);

        assertThat(validator.validate(condition).errors())
                .extracting(Issue::location)
                .contains("Condition.subject");
    }

    @Test
    void conditionWithoutCategoryIsAnErrorAtCategory() {
        Condition condition = sciatica();
        condition.getCategory().clear();

        assertThat(validator.validate(condition).errors())
                .extracting(Issue::location)
                .contains("Condition.category");
    }

    @Test
    void unknownCodeInAFhirCoreCodeSystemIsAnError() {
        Condition condition = sciatica();
        condition.getClinicalStatus().getCodingFirstRep().setCode("bogus");

        assertThat(validator.validate(condition).errors()).anySatisfy(i -> {
            assertThat(i.location()).isEqualTo("Condition.clinicalStatus");
            assertThat(i.message()).contains("condition-clinical#bogus");
        });
    }

    @Test
    void unknownCodeInOurOwnCodeSystemIsAnError() {
        Observation observation = observation();
        observation
                .getCode()
                .addCoding()
                .setSystem("http://annulus.org/fhir/CodeSystem/annulus-clinical")
                .setCode("no-such-concept");

        assertThat(validator.validate(observation).errors())
                .anySatisfy(i -> assertThat(i.message()).contains("annulus-clinical#no-such-concept"));
    }

    /**
     * SNOMED CT is not loaded, so a code cannot be checked: the validator says so in warnings (US Core's
     * SNOMED-based value set cannot be expanded; the extensible binding is not met) and never fails.
     */
    @Test
    void unknownSnomedCodeIsAtMostAWarning() {
        Condition condition = sciatica();
        condition.getCode().getCodingFirstRep().setCode("999999999999").setDisplay("not a concept");

        ValidationReport report = validator.validate(condition);

        assertThat(report.errors()).isEmpty();
        assertThat(report.warnings()).anySatisfy(i -> assertThat(i.location()).isEqualTo("Condition.code"));
    }

    @Test
    void resourceIsValidatedAgainstOurProfileWhoseSnapshotIsGeneratedAtStartUp(@TempDir Path profiles)
            throws IOException {
        StructureDefinition noted = new StructureDefinition();
        noted.setUrl("http://annulus.org/fhir/StructureDefinition/test-noted-observation")
                .setName("TestNotedObservation")
                .setStatus(PublicationStatus.DRAFT)
                .setFhirVersion(FHIRVersion._4_0_1)
                .setKind(StructureDefinition.StructureDefinitionKind.RESOURCE)
                .setAbstract(false)
                .setType("Observation")
                .setBaseDefinition("http://hl7.org/fhir/StructureDefinition/Observation")
                .setDerivation(StructureDefinition.TypeDerivationRule.CONSTRAINT);
        noted.getDifferential()
                .addElement(new ElementDefinition()
                        .setPath("Observation.note")
                        .setMin(1)
                        .setMax("1"))
                .setId("Observation.note");
        Files.writeString(
                profiles.resolve("StructureDefinition-test-noted-observation.json"),
                Validators.FHIR.newJsonParser().encodeResourceToString(noted));
        ResourceValidator ours = Validators.create(profiles);

        Observation withoutNote = observation();
        withoutNote.getMeta().addProfile(noted.getUrl());
        Observation withNote = withoutNote.copy();
        withNote.addNote().setText("reviewed");

        assertThat(ours.validate(withoutNote).errors())
                .extracting(Issue::location)
                .containsExactly("Observation.note");
        assertThat(ours.validate(withNote).errors()).isEmpty();
    }

    @Test
    void unknownProfileIsAnError() {
        Observation observation = observation();
        observation.getMeta().addProfile("http://annulus.org/fhir/StructureDefinition/no-such-profile");

        assertThat(validator.validate(observation).hasErrors()).isTrue();
    }

    @Test
    void bundleIssuesNameTheEntryTheyBelongTo() {
        Condition broken = sciatica();
        broken.setSubject(null);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry()
                .setFullUrl("urn:uuid:11111111-1111-1111-1111-111111111111")
                .setResource(sciatica());
        bundle.addEntry()
                .setFullUrl("urn:uuid:22222222-2222-2222-2222-222222222222")
                .setResource(broken);

        ValidationReport report = validator.validate(bundle);

        assertThat(report.errors()).singleElement().satisfies(i -> {
            assertThat(i.location()).isEqualTo("Bundle.entry[1].resource.subject");
            assertThat(i.message()).startsWith("Condition urn:uuid:22222222-2222-2222-2222-222222222222: ");
        });
    }

    @Test
    void operationOutcomeCarriesErrorsAndWarningsWithTheirExpressions() {
        ValidationReport report = new ValidationReport(java.util.List.of(
                new Issue(Severity.ERROR, "Condition.subject", "missing"),
                new Issue(Severity.WARNING, "Condition.code", "not checked"),
                new Issue(Severity.INFORMATION, "Condition", "note")));

        OperationOutcome outcome = report.toOperationOutcome();

        assertThat(outcome.getIssue()).hasSize(2);
        assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Condition.subject");
        assertThat(new ValidationReport(java.util.List.of())
                        .toOperationOutcome()
                        .getIssue())
                .hasSize(1);
    }

    @Test
    void unparseableProfileFileStopsStartUpNamingTheFile(@TempDir Path profiles) throws IOException {
        Files.writeString(
                profiles.resolve("StructureDefinition-broken.json"), "{\"resourceType\":\"StructureDefinition\",");

        assertThatThrownBy(
                        () -> new ResourceValidator(Validators.FHIR, new ProfileDirectory(Validators.FHIR, profiles)))
                .hasMessageContaining("bridge.profiles.dir")
                .hasMessageContaining("StructureDefinition-broken.json");
    }

    @Test
    void missingProfilesDirectoryStopsStartUpNamingTheProperty(@TempDir Path parent) {
        assertThatThrownBy(() -> new ResourceValidator(
                        Validators.FHIR, new ProfileDirectory(Validators.FHIR, parent.resolve("absent"))))
                .hasMessageContaining("bridge.profiles.dir");
    }

    static Condition sciatica() {
        Condition condition = new Condition();
        condition.getMeta().addProfile(US_CORE_CONDITION);
        condition
                .addCategory()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-category")
                .setCode("problem-list-item")
                .setDisplay("Problem List Item");
        condition
                .getClinicalStatus()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-clinical")
                .setCode("active")
                .setDisplay("Active");
        condition
                .getVerificationStatus()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status")
                .setCode("confirmed")
                .setDisplay("Confirmed");
        condition
                .getCode()
                .addCoding()
                .setSystem("http://snomed.info/sct")
                .setCode("23056005")
                .setDisplay("Sciatica");
        condition.getSubject().setReference("Patient/1");
        return condition;
    }

    static Observation observation() {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().setText("disc finding");
        observation.getSubject().setReference("Patient/1");
        return observation;
    }
}
