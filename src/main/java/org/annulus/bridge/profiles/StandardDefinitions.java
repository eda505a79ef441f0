package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;

/**
 * The conformance resources that come with the bridge and never change with its settings: FHIR R4 core and
 * US Core 6.1.0 from the bundled package. Reading them is most of the validator's set-up (seconds), so it
 * starts before the application's beans do ({@link Loading}) and the validator takes them when it is built.
 */
record StandardDefinitions(DefaultProfileValidationSupport core, NpmPackageValidationSupport usCore) {

    static final String US_CORE_PACKAGE = "classpath:fhir-packages/hl7.fhir.us.core-6.1.0.tgz";

    /** Reads both, and has core parse its StructureDefinitions now rather than at the first snapshot. */
    static StandardDefinitions load(FhirContext fhir) {
        DefaultProfileValidationSupport core = new DefaultProfileValidationSupport(fhir);
        NpmPackageValidationSupport usCore = new NpmPackageValidationSupport(fhir);
        try {
            usCore.loadPackageFromClasspath(US_CORE_PACKAGE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + US_CORE_PACKAGE, e);
        }
        core.fetchAllStructureDefinitions();
        return new StandardDefinitions(core, usCore);
    }

    /** Runs a set-up task on a daemon thread of its own, so start-up goes on meanwhile and never waits on it at exit. */
    static Executor threadOfItsOwn(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        };
    }

    /** The definitions being read on a thread of their own, from the moment the application context is set up. */
    static final class Loading {

        private final CompletableFuture<StandardDefinitions> definitions;

        private Loading(CompletableFuture<StandardDefinitions> definitions) {
            this.definitions = definitions;
        }

        static Loading start(FhirContext fhir) {
            return new Loading(CompletableFuture.supplyAsync(() -> load(fhir), threadOfItsOwn("fhir-definitions")));
        }

        /** Waits for them; a failure to read the bundled package is rethrown as it came. */
        StandardDefinitions await() {
            try {
                return definitions.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }
}
