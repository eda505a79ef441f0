package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The validation support chain: FHIR R4 core, US Core 6.1.0 from the bundled package, our own
 * {@code fhir-profiles/}, and the offline terminology policy of {@code fhir-profiles/VALIDATION.md}.
 * Everything is local; nothing in the chain can reach a network.
 */
final class ConformanceChain {

    private final ValidationSupportChain chain;
    private final int usCoreProfiles;
    private final Map<String, Integer> own;

    private ConformanceChain(ValidationSupportChain chain, int usCoreProfiles, Map<String, Integer> own) {
        this.chain = chain;
        this.usCoreProfiles = usCoreProfiles;
        this.own = own;
    }

    static ConformanceChain assemble(FhirContext fhir, List<IBaseResource> ownResources) {
        return assemble(fhir, StandardDefinitions.load(fhir), ownResources);
    }

    static ConformanceChain assemble(FhirContext fhir, StandardDefinitions standard, List<IBaseResource> ownResources) {
        DefaultProfileValidationSupport core = standard.core();
        NpmPackageValidationSupport usCore = standard.usCore();
        new Snapshots(fhir, core, usCore).complete(ownResources);

        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhir);
        Map<String, Integer> counts = new TreeMap<>();
        for (IBaseResource resource : ownResources) {
            // PlanDefinitions, ConceptMaps etc. live in the same directory but play no part in validation.
            ours.addResource(resource);
            counts.merge(fhir.getResourceType(resource), 1, Integer::sum);
        }

        UnknownCodeSystemWarningValidationSupport unknownTerminology =
                new UnknownCodeSystemWarningValidationSupport(fhir);
        // SNOMED CT, LOINC, ICD-10-CM and US Core's VSAC / hl7.terminology value sets are not here: a code
        // we cannot check is reported as a warning, never as an error (see VALIDATION.md).
        unknownTerminology.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);

        // Order matters: the first support that knows a URL answers; the catch-all for unknown terminology
        // comes last so it never shadows a code system we do have. The chain caches lookups itself
        // (HAPI 8 deprecated the separate CachingValidationSupport for this).
        ValidationSupportChain chain = new ValidationSupportChain(
                ValidationSupportChain.CacheConfiguration.defaultValues(),
                core,
                new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir),
                usCore,
                ours,
                unknownTerminology);
        return new ConformanceChain(chain, usCore.fetchAllStructureDefinitions().size(), counts);
    }

    IValidationSupport support() {
        return chain;
    }

    int usCoreProfiles() {
        return usCoreProfiles;
    }

    /** Our conformance resources by type, e.g. {@code {CodeSystem=1, StructureDefinition=3}}. */
    Map<String, Integer> own() {
        return own;
    }

    /**
     * Generates the snapshot of each of our differential-only profiles once, at start-up, so that a
     * broken profile stops start-up instead of failing the first document that claims it. Bases first,
     * so a profile derived from another of ours sees its base complete. Uses a chain of its own, thrown
     * away afterwards: the generator's worker context keeps what it fetched (our profiles still without
     * snapshot), and the validator must never see that copy.
     */
    private record Snapshots(FhirContext fhir, IValidationSupport core, IValidationSupport usCore) {

        void complete(List<IBaseResource> resources) {
            Map<String, StructureDefinition> byUrl = new HashMap<>();
            resources.stream()
                    .filter(StructureDefinition.class::isInstance)
                    .map(StructureDefinition.class::cast)
                    .forEach(sd -> byUrl.put(sd.getUrl(), sd));
            Set<String> done = new HashSet<>();
            byUrl.values().forEach(sd -> complete(sd, byUrl, done));
        }

        private void complete(StructureDefinition sd, Map<String, StructureDefinition> byUrl, Set<String> done) {
            if (!done.add(sd.getUrl())) {
                return;
            }
            StructureDefinition base = byUrl.get(sd.getBaseDefinition());
            if (base != null) {
                complete(base, byUrl, done);
            }
            if (sd.hasSnapshot()) {
                return;
            }
            PrePopulatedValidationSupport bases = new PrePopulatedValidationSupport(fhir);
            byUrl.values().stream().filter(StructureDefinition::hasSnapshot).forEach(bases::addStructureDefinition);
            ValidationSupportChain chain = new ValidationSupportChain(
                    ValidationSupportChain.CacheConfiguration.disabled(),
                    core,
                    new SnapshotGeneratingValidationSupport(fhir),
                    usCore,
                    bases);
            IBaseResource generated =
                    chain.generateSnapshot(new ValidationSupportContext(chain), sd, sd.getUrl(), null, sd.getName());
            if (!(generated instanceof StructureDefinition withSnapshot) || !withSnapshot.hasSnapshot()) {
                throw new IllegalStateException("bridge.profiles.dir: cannot generate the snapshot of " + sd.getUrl()
                        + " (is its baseDefinition " + sd.getBaseDefinition() + " known?)");
            }
            sd.setSnapshot(withSnapshot.getSnapshot());
        }
    }
}
