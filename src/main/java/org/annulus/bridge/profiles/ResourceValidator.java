package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The FHIR validation gate: checks resources against FHIR R4, US Core 6.1.0 and our own profiles in
 * {@code bridge.profiles.dir}, offline. The chain is built once at start-up (a broken profile stops it);
 * the validator's warm-up runs beside the rest of start-up ({@link ValidatorReadiness}). Thread-safe: core
 * validators are reused, one thread at a time ({@link ReusingInstanceValidator}), and reports are kept
 * by content ({@link CheckedContent}).
 */
@Component
public class ResourceValidator {

    private static final Logger log = LoggerFactory.getLogger(ResourceValidator.class);

    /**
     * Resources a core validator checks before it is replaced: it keeps a tracker per element it saw, so
     * a long-lived one grows; building one costs about as much as a few resources' validation.
     */
    static final int RETIRE_AFTER = 100;

    private static final Pattern NAMED_PATH = Pattern.compile("([A-Z][A-Za-z]*(?:\\.[a-z][A-Za-z0-9\\[\\]]*)+): ");

    private final FhirContext fhir;
    private final CompletableFuture<Gate> gate;
    private final CheckedContent checked;

    /** The validator proper, once its chain is assembled. */
    private record Gate(FhirValidator validator, ReusingInstanceValidator instances, long warmUpMillis) {}

    ResourceValidator(FhirContext fhir, ProfileDirectory directory) {
        this(fhir, directory, ProfilesProperties.DEFAULT_CHECKED_CACHE_SIZE, false);
    }

    /** With the standard definitions the application context began reading before it made any bean. */
    @Autowired
    ResourceValidator(
            FhirContext fhir,
            ProfileDirectory directory,
            ProfilesProperties properties,
            ObjectProvider<StandardDefinitions.Loading> loading) {
        this(
                fhir,
                directory,
                properties.checkedCacheSize(),
                !properties.readyBeforeStartUpEnds(),
                standard(fhir, loading.getIfAvailable()));
    }

    /** The early read when the context started one (it does, FhirConfiguration), else a read of our own. */
    private static Supplier<StandardDefinitions> standard(FhirContext fhir, StandardDefinitions.Loading early) {
        return early != null ? early::await : () -> StandardDefinitions.load(fhir);
    }

    /**
     * @param inBackground assemble the chain (US Core, snapshots of our profiles) and warm the validator up
     *                     on a thread of its own, so start-up goes on meanwhile; validation waits for both
     *                     (the lazy set-up then runs once, not on every worker at the same time). Otherwise
     *                     here, and a broken profile throws from the constructor.
     */
    ResourceValidator(FhirContext fhir, ProfileDirectory directory, int checkedCacheSize, boolean inBackground) {
        this(fhir, directory, checkedCacheSize, inBackground, () -> StandardDefinitions.load(fhir));
    }

    private ResourceValidator(
            FhirContext fhir,
            ProfileDirectory directory,
            int checkedCacheSize,
            boolean inBackground,
            Supplier<StandardDefinitions> standard) {
        this.fhir = fhir;
        this.checked = new CheckedContent(checkedCacheSize);
        if (inBackground) {
            this.gate = CompletableFuture.supplyAsync(
                    () -> warmedUp(assemble(fhir, standard.get(), directory)),
                    StandardDefinitions.threadOfItsOwn("validator-warm-up"));
        } else {
            this.gate = CompletableFuture.completedFuture(warmedUp(assemble(fhir, standard.get(), directory)));
        }
    }

    /** Done once the chain is assembled and the validator warmed up: how long the warm-up took, in ms. */
    CompletableFuture<Long> ready() {
        return gate.thenApply(Gate::warmUpMillis);
    }

    private static Gate assemble(FhirContext fhir, StandardDefinitions standard, ProfileDirectory directory) {
        ConformanceChain chain = ConformanceChain.assemble(fhir, standard, directory.resources());
        log.info(
                "FHIR validation: {} US Core 6.1.0 profiles; own conformance resources from {}: {}",
                chain.usCoreProfiles(),
                directory.dir().toAbsolutePath().normalize(),
                chain.own());

        ReusingInstanceValidator instances = new ReusingInstanceValidator(chain.support(), RETIRE_AFTER);
        // A meta.profile we do not know is our own mistake (a mapper naming a wrong URL), never a warning.
        instances.setErrorForUnknownProfiles(true);
        // No resource fetcher: the validator never resolves references or canonicals over the network.
        instances.setValidatorResourceFetcher(null);
        FhirValidator validator = fhir.newValidator()
                .setValidateAgainstStandardSchema(false)
                .setValidateAgainstStandardSchematron(false)
                .registerValidatorModule(instances);
        return new Gate(validator, instances, 0);
    }

    /** The assembled validator; waits while the chain is assembled in the background. */
    private Gate gate() {
        try {
            return gate.join();
        } catch (CompletionException e) {
            throw new IllegalStateException(
                    "the FHIR validator could not be built (bridge.profiles.dir)", e.getCause());
        }
    }

    /**
     * Validates one resource as it is (a Bundle passed here is validated as a whole). The same content
     * checked before (a resend, an amendment's unchanged parts) gets the same report from memory: the
     * report is a function of the content and of profiles fixed at start-up.
     */
    public ValidationReport validate(IBaseResource resource) {
        String type = fhir.getResourceType(resource);
        String json = fhir.newJsonParser().encodeResourceToString(resource);
        Gate ready = gate();
        return checked.report(json, () -> check(ready, type, json));
    }

    private static ValidationReport check(Gate ready, String type, String json) {
        List<ValidationReport.Issue> issues = new ArrayList<>();
        for (SingleValidationMessage m :
                ready.validator().validateWithResult(json).getMessages()) {
            // A few messages (e.g. an unresolvable meta.profile) come without a location: the resource itself.
            String location = m.getLocationString() == null ? type : m.getLocationString();
            issues.add(new ValidationReport.Issue(severity(m), element(location, m.getMessage()), m.getMessage()));
        }
        return new ValidationReport(issues);
    }

    /**
     * Validates each entry's resource on its own, in parallel (they do not depend on each other); every
     * issue's location starts with the entry ({@code Bundle.entry[2].resource...}) and its message with
     * the resource type and fullUrl. Issues come in entry order, whatever order the entries finished in.
     */
    public ValidationReport validate(Bundle bundle) {
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        // Wait here, not in the parallel tasks: a pool thread blocked on the gate would make the pool add threads.
        gate();
        List<List<ValidationReport.Issue>> perEntry = IntStream.range(0, entries.size())
                .parallel()
                .mapToObj(i -> entryIssues(i, entries.get(i)))
                .toList();
        return new ValidationReport(perEntry.stream().flatMap(List::stream).toList());
    }

    private List<ValidationReport.Issue> entryIssues(int i, Bundle.BundleEntryComponent entry) {
        if (!entry.hasResource()) {
            return List.of();
        }
        String type = fhir.getResourceType(entry.getResource());
        String where = "Bundle.entry[" + i + "].resource";
        String which = type + (entry.hasFullUrl() ? " " + entry.getFullUrl() : "") + ": ";
        List<ValidationReport.Issue> issues = new ArrayList<>();
        for (ValidationReport.Issue issue : validate(entry.getResource()).issues()) {
            issues.add(new ValidationReport.Issue(
                    issue.severity(), inEntry(where, type, issue.location()), which + issue.message()));
        }
        return issues;
    }

    /**
     * Pays the validator's lazy set-up (indexes, FHIRPath engine, value set expansion, one reusable core
     * validator) before the first document.
     */
    private Gate warmedUp(Gate assembled) {
        long start = System.nanoTime();
        assembled.instances().prepare();
        ValidationReport report =
                check(assembled, "Condition", fhir.newJsonParser().encodeResourceToString(sample()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        log.info(
                "FHIR validator warmed up in {} ms ({} issues on the sample)",
                ms,
                report.issues().size());
        return new Gate(assembled.validator(), assembled.instances(), ms);
    }

    /** Waits until the validator is ready; how long its warm-up took, in milliseconds. */
    long warmUp() {
        return gate().warmUpMillis();
    }

    private static Condition sample() {
        Condition sample = new Condition();
        sample.setClinicalStatus(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")));
        sample.getCode().setText("warm-up");
        sample.getSubject().setReference("Patient/warm-up");
        return sample;
    }

    /** Reports served from {@link CheckedContent} and reports computed (for readiness details and tests). */
    CheckedContent.Counts checkedCounts() {
        return checked.counts();
    }

    /** Core validators idle in the pool (tests: reuse keeps one per thread). */
    int idleCoreValidators() {
        return gate().instances().idleValidators();
    }

    /**
     * HAPI locates a missing element at its parent ({@code Condition}) and names it only in the message
     * ({@code "Condition.subject: minimum required = 1, but only found 0"}); a reader of the outcome wants
     * the element itself, so the path the message starts with is used where it lies below the location.
     */
    static String element(String location, String message) {
        Matcher named = NAMED_PATH.matcher(message == null ? "" : message);
        if (named.lookingAt() && named.group(1).startsWith(location + ".")) {
            return named.group(1);
        }
        return location;
    }

    private static String inEntry(String where, String type, String location) {
        if (location.equals(type)) {
            return where;
        }
        if (location.startsWith(type + ".") || location.startsWith(type + "[")) {
            return where + location.substring(type.length());
        }
        return where + " " + location;
    }

    private static ValidationReport.Severity severity(SingleValidationMessage message) {
        return switch (message.getSeverity()) {
            case FATAL -> ValidationReport.Severity.FATAL;
            case ERROR -> ValidationReport.Severity.ERROR;
            case WARNING -> ValidationReport.Severity.WARNING;
            case INFORMATION -> ValidationReport.Severity.INFORMATION;
        };
    }
}
