package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import jakarta.annotation.PostConstruct;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The FHIR validation gate: checks resources against FHIR R4, US Core 6.1.0 and our own profiles in
 * {@code bridge.profiles.dir}, offline. Built once at start-up (the chain is expensive); thread-safe.
 */
@Component
public class ResourceValidator {

    private static final Logger log = LoggerFactory.getLogger(ResourceValidator.class);

    private static final Pattern NAMED_PATH = Pattern.compile("([A-Z][A-Za-z]*(?:\\.[a-z][A-Za-z0-9\\[\\]]*)+): ");

    private final FhirContext fhir;
    private final FhirValidator validator;

    ResourceValidator(FhirContext fhir, ProfileDirectory directory) {
        this.fhir = fhir;
        ConformanceChain chain = ConformanceChain.assemble(fhir, directory.resources());
        log.info(
                "FHIR validation: {} US Core 6.1.0 profiles; own conformance resources from {}: {}",
                chain.usCoreProfiles(),
                directory.dir().toAbsolutePath().normalize(),
                chain.own());

        FhirInstanceValidator instance = new FhirInstanceValidator(chain.support());
        // A meta.profile we do not know is our own mistake (a mapper naming a wrong URL), never a warning.
        instance.setErrorForUnknownProfiles(true);
        // No resource fetcher: the validator never resolves references or canonicals over the network.
        instance.setValidatorResourceFetcher(null);
        this.validator = fhir.newValidator()
                .setValidateAgainstStandardSchema(false)
                .setValidateAgainstStandardSchematron(false)
                .registerValidatorModule(instance);
    }

    /** Validates one resource as it is (a Bundle passed here is validated as a whole). */
    public ValidationReport validate(IBaseResource resource) {
        List<ValidationReport.Issue> issues = new ArrayList<>();
        String type = fhir.getResourceType(resource);
        for (SingleValidationMessage m : validator.validateWithResult(resource).getMessages()) {
            // A few messages (e.g. an unresolvable meta.profile) come without a location: the resource itself.
            String location = m.getLocationString() == null ? type : m.getLocationString();
            issues.add(new ValidationReport.Issue(severity(m), element(location, m.getMessage()), m.getMessage()));
        }
        return new ValidationReport(issues);
    }

    /**
     * Validates each entry's resource on its own; every issue's location starts with the entry
     * ({@code Bundle.entry[2].resource...}) and its message with the resource type and fullUrl.
     */
    public ValidationReport validate(Bundle bundle) {
        List<ValidationReport.Issue> issues = new ArrayList<>();
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
            if (!entry.hasResource()) {
                continue;
            }
            String type = fhir.getResourceType(entry.getResource());
            String where = "Bundle.entry[" + i + "].resource";
            String which = type + (entry.hasFullUrl() ? " " + entry.getFullUrl() : "") + ": ";
            for (ValidationReport.Issue issue : validate(entry.getResource()).issues()) {
                issues.add(new ValidationReport.Issue(
                        issue.severity(), inEntry(where, type, issue.location()), which + issue.message()));
            }
        }
        return new ValidationReport(issues);
    }

    /** Pays the validator's lazy set-up (indexes, FHIRPath engine, value set expansion) before the first document. */
    @PostConstruct
    void warmUp() {
        long start = System.nanoTime();
        Condition sample = new Condition();
        sample.setClinicalStatus(new CodeableConcept(
                new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")));
        sample.getCode().setText("warm-up");
        sample.getSubject().setReference("Patient/warm-up");
        ValidationReport report = validate(sample);
        log.info(
                "FHIR validator warmed up in {} ms ({} issues on the sample)",
                (System.nanoTime() - start) / 1_000_000,
                report.issues().size());
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
