package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Issue 9, point 12: the visit's Encounter, only when the document names it and hospital IT configured how. */
class EncounterReferenceTest {

    static final String VISITS = "urn:oid:2.16.840.1.113883.19.5.99999.2";
    final DocumentReader reader = new DocumentReader();
    final ClinicalMapper configured = new ClinicalMapper(
            Fixtures.recoveryProtocol(), new VisitProperties(VISITS), new ClinicProperties(null, null, null));

    @Test
    void everyResourceOfAProcedureDayReferencesItsVisit() throws IOException {
        Bundle bundle = configured.map(golden("procedure-v1-1-sedation-antibiotic-contrast"));

        assertThat(visitResources(bundle))
                .hasSizeGreaterThan(5)
                .extracting(e -> encounter(e.getResource()))
                .allSatisfy(ref -> assertThat(ref).hasValueSatisfying(r -> {
                    assertThat(r.getType()).isEqualTo("Encounter");
                    assertThat(r.getIdentifier().getSystem()).isEqualTo(VISITS);
                    assertThat(r.getIdentifier().getValue()).isEqualTo("V-20260320-0415");
                    assertThat(r.hasReference())
                            .as("never an invented literal reference")
                            .isFalse();
                }));
    }

    @Test
    void aFollowUpReferencesItsVisitToo() throws IOException {
        Bundle bundle = configured.map(golden("milestone-adverse-event-discitis"));

        assertThat(visitResources(bundle))
                .extracting(e -> encounter(e.getResource()))
                .allSatisfy(ref ->
                        assertThat(ref.map(r -> r.getIdentifier().getValue())).contains("V-20260502-0088"));
    }

    @Test
    void anAssessmentVisitIsReferencedByItsResources() throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode json =
                (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper()
                        .readTree(Path.of("test-fixtures/golden/candidacy-v1-1-exam-findings.input.json")
                                .toFile());
        json.put("visit", "V-20260302-0102");

        Bundle bundle = configured.map(reader.read(json));

        assertThat(visitResources(bundle))
                .isNotEmpty()
                .extracting(e -> encounter(e.getResource()))
                .allSatisfy(ref ->
                        assertThat(ref.map(r -> r.getIdentifier().getValue())).contains("V-20260302-0102"));
    }

    @Test
    void withoutTheConfiguredSystemNoEncounterIsReferenced() throws IOException {
        Bundle bundle = new ClinicalMapper(Fixtures.recoveryProtocol())
                .map(golden("procedure-v1-1-sedation-antibiotic-contrast"));

        assertThat(bundle.getEntry())
                .extracting(e -> encounter(e.getResource()))
                .allMatch(Optional::isEmpty);
    }

    @Test
    void aDocumentWithoutAVisitReferencesNone() throws IOException {
        Bundle bundle = configured.map(golden("procedure-single-level"));

        assertThat(bundle.getEntry())
                .extracting(e -> encounter(e.getResource()))
                .allMatch(Optional::isEmpty);
    }

    @Test
    void theVisitSystemMustBeAnAbsoluteUri() {
        var validator =
                jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();

        assertThat(validator.validate(new VisitProperties("not a uri")))
                .singleElement()
                .satisfies(v -> assertThat(v.getPropertyPath().toString()).isEqualTo("identifierSystem"));
        assertThat(validator.validate(new VisitProperties(VISITS))).isEmpty();
        assertThat(validator.validate(new VisitProperties(null))).isEmpty();
        assertThat(validator.validate(new VisitProperties(""))).isEmpty();
        assertThat(new VisitProperties("").configured()).isFalse();
    }

    private ClinicalDocument golden(String name) throws IOException {
        return reader.read(new ObjectMapper()
                .readTree(Path.of("test-fixtures/golden", name + ".input.json").toFile()));
    }

    private static Optional<Reference> encounter(Resource resource) {
        Reference ref = resource instanceof Observation o
                ? o.getEncounter()
                : resource instanceof Condition c
                        ? c.getEncounter()
                        : resource instanceof Procedure p
                                ? p.getEncounter()
                                : resource instanceof MedicationAdministration m
                                        ? m.getContext()
                                        : resource instanceof DocumentReference d
                                                        && d.getContext().hasEncounter()
                                                ? d.getContext().getEncounterFirstRep()
                                                : null;
        return ref == null || ref.isEmpty() ? Optional.empty() : Optional.of(ref);
    }

    /** A Medication (the product and its lot) belongs to no visit; everything else of the document does. */
    private static List<Bundle.BundleEntryComponent> visitResources(Bundle bundle) {
        return bundle.getEntry().stream()
                .filter(e -> !(e.getResource() instanceof org.hl7.fhir.r4.model.Medication))
                .toList();
    }
}
