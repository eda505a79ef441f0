package org.annulus.bridge.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate made cheaper must judge exactly as before: a reused core validator gives the messages
 * HAPI's own validator (a new core validator per resource) gives, whatever it validated before; the
 * same content is validated once; a bundle's issues come in entry order although its entries are
 * validated in parallel.
 */
class ValidatorReuseTest {

    static final Path PROFILES = Path.of("fhir-profiles");

    static FhirValidator hapi;
    static ResourceValidator reused;

    @BeforeAll
    static void validators() {
        ProfileDirectory directory = new ProfileDirectory(Validators.FHIR, PROFILES);
        FhirInstanceValidator own =
                new FhirInstanceValidator(ConformanceChain.assemble(Validators.FHIR, directory.resources())
                        .support());
        own.setErrorForUnknownProfiles(true);
        own.setValidatorResourceFetcher(null);
        hapi = Validators.FHIR
                .newValidator()
                .setValidateAgainstStandardSchema(false)
                .setValidateAgainstStandardSchematron(false)
                .registerValidatorModule(own);
        // no reports kept: every call below reaches a (reused) core validator
        reused = new ResourceValidator(Validators.FHIR, directory, 0, false);
    }

    @Test
    void aReusedCoreValidatorGivesHapisOwnMessagesForEveryGoldenResourceAndForBrokenOnes() throws IOException {
        List<IBaseResource> resources = new ArrayList<>();
        for (Bundle bundle : goldenBundles()) {
            bundle.getEntry().forEach(e -> resources.add(e.getResource()));
        }
        // broken ones between good ones: nothing a validator remembers may hide or add a message
        Condition noSubject = ResourceValidatorTest.sciatica();
        noSubject.setSubject(null);
        Observation unknownProfile = new Observation();
        unknownProfile.getMeta().addProfile("http://annulus.org/fhir/StructureDefinition/no-such-profile");
        resources.add(3, noSubject);
        resources.add(7, unknownProfile);
        resources.add(noSubject.copy());
        resources.add(unknownProfile.copy());

        for (IBaseResource resource : resources) {
            assertThat(messages(reused.validate(resource)))
                    .as(() -> Validators.FHIR.getResourceType(resource) + " " + resource.getIdElement())
                    .isEqualTo(hapiMessages(resource));
        }
        assertThat(messages(reused.validate(noSubject))).anyMatch(m -> m.contains("Condition.subject"));
    }

    @Test
    void theCoreValidatorIsReusedNotBuiltPerResource() {
        ResourceValidator oneThread =
                new ResourceValidator(Validators.FHIR, new ProfileDirectory(Validators.FHIR, PROFILES), 0, false);
        Condition sciatica = ResourceValidatorTest.sciatica();
        for (int i = 0; i < 20; i++) {
            oneThread.validate(sciatica);
        }

        assertThat(oneThread.idleCoreValidators()).isEqualTo(1);
    }

    @Test
    void theSameContentIsValidatedOnceAndChangedContentAgain() {
        ResourceValidator remembering =
                new ResourceValidator(Validators.FHIR, new ProfileDirectory(Validators.FHIR, PROFILES), 100, false);
        Condition sciatica = ResourceValidatorTest.sciatica();
        Condition broken = sciatica.copy();
        broken.setSubject(null);

        ValidationReport first = remembering.validate(broken);
        ValidationReport resent = remembering.validate(broken.copy());
        remembering.validate(sciatica);

        assertThat(resent).isEqualTo(first);
        assertThat(resent.hasErrors()).isTrue();
        assertThat(remembering.checkedCounts()).isEqualTo(new CheckedContent.Counts(1, 2));
    }

    @Test
    void aBundlesIssuesComeInEntryOrder() {
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        for (int i = 0; i < 6; i++) {
            Condition broken = ResourceValidatorTest.sciatica();
            broken.setSubject(null);
            broken.getCode().setText("case " + i);
            bundle.addEntry().setFullUrl("urn:uuid:0000000" + i).setResource(broken);
        }

        List<String> entries = reused.validate(bundle).errors().stream()
                .map(issue -> issue.location().substring(0, "Bundle.entry[0]".length()))
                .distinct()
                .toList();

        assertThat(entries)
                .containsExactly(
                        "Bundle.entry[0]",
                        "Bundle.entry[1]",
                        "Bundle.entry[2]",
                        "Bundle.entry[3]",
                        "Bundle.entry[4]",
                        "Bundle.entry[5]");
    }

    private static List<String> messages(ValidationReport report) {
        return report.issues().stream()
                .map(i -> comparable(i.severity() + " " + i.message()))
                .toList();
    }

    private static List<String> hapiMessages(IBaseResource resource) {
        List<String> messages = new ArrayList<>();
        for (SingleValidationMessage m : hapi.validateWithResult(resource).getMessages()) {
            messages.add(comparable(m.getSeverity().name() + " " + m.getMessage()));
        }
        return messages;
    }

    /** A few messages name a Java object by its identity hash (ConceptSetFilterComponent@2b877a54). */
    private static String comparable(String message) {
        return message.replaceAll("@[0-9a-f]+", "@…");
    }

    private static List<Bundle> goldenBundles() throws IOException {
        try (Stream<Path> files = Files.list(GoldenBundlesValidateTest.GOLDEN)) {
            List<Bundle> bundles = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".expected.json"))
                    .sorted()
                    .toList()) {
                bundles.add(Validators.FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(file)));
            }
            return bundles;
        }
    }
}
