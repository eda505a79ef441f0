package org.annulus.bridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** Keeps the package-by-feature structure honest: no cycles, no reaching into internals, pure mapping. */
class ModuleStructureTest {

    static final ApplicationModules MODULES = ApplicationModules.of(BridgeApplication.class);
    static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.annulus.bridge");

    @Test
    void modulesRespectEachOthersBoundaries() {
        MODULES.verify();
    }

    /**
     * The module diagram in docs/modules/ (PlantUML: all modules, and one per module with its
     * neighbours), regenerated from the code on every test run: commit it when it changes.
     */
    @Test
    void writesTheModuleDiagramIntoDocs() {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("docs/modules"))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml();
    }

    @Test
    void mappingDoesNoIo() {
        noClasses()
                .that()
                .resideInAPackage("org.annulus.bridge.mapping..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.io..",
                        "java.nio.file..",
                        "java.net..",
                        "java.sql..",
                        "javax.sql..",
                        "org.springframework.jdbc..",
                        "org.springframework.web..",
                        "ca.uhn.fhir.rest..",
                        "org.apache.camel..",
                        "org.annulus.bridge.outbox..",
                        "org.annulus.bridge.sync..",
                        "org.annulus.bridge.ehr..")
                .because("a mapper is a pure function of the document")
                .check(MAIN);
    }

    @Test
    void dataFlowsOneWay() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.annulus.bridge.mapping..",
                        "org.annulus.bridge.ehr..",
                        "org.annulus.bridge.document..",
                        "org.annulus.bridge.profiles..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.annulus.bridge.intake..", "org.annulus.bridge.outbox..", "org.annulus.bridge.sync..")
                .because("intake -> outbox (the store) <- sync -> mapping, profiles, ehr: nothing downstream"
                        + " calls back upstream")
                .check(MAIN);
    }

    @Test
    void outboxIsOnlyTheStore() {
        noClasses()
                .that()
                .resideInAPackage("org.annulus.bridge.outbox..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.annulus.bridge.mapping..",
                        "org.annulus.bridge.profiles..",
                        "org.annulus.bridge.ehr..",
                        "org.annulus.bridge.sync..")
                .because("the outbox stores documents and their states; mapping, validating and writing to"
                        + " the EHR is sync's, which uses the outbox, never the other way round")
                .check(MAIN);
    }

    @Test
    void sandboxIsReachedOnlyThroughItsPublicFace() {
        noClasses()
                .that()
                .resideOutsideOfPackage("org.annulus.bridge.sandbox..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.annulus.bridge.sandbox..")
                .because("the production flow must not depend on the sandbox EHR; it talks FHIR over HTTP")
                .check(MAIN);
    }
}
