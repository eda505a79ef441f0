package org.annulus.bridge.profiles;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.validation.IValidationContext;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.JsonParser;
import org.hl7.fhir.r5.elementmodel.ParserBase;
import org.hl7.fhir.r5.elementmodel.ValidatedFragment;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.XVerExtensionManager;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * HAPI's {@link FhirInstanceValidator}, with one change: the core {@link InstanceValidator} is reused
 * instead of built for every resource. HAPI 8.4 builds a new one per call (its {@code ValidatorWrapper}),
 * and that constructor re-reads a 1.5 MB OID table and sets up a FHIRPath engine: in our profiling
 * more than 40 % of the gate's time. Each validator is used by one thread at a time (an idle deque: a
 * thread takes one or builds one), cleared of what it remembers of the last resource, and retired after
 * {@code retireAfter} resources because it keeps a tracker per validated element that is never emptied.
 * Everything else is what {@code ValidatorWrapper.validate} does for JSON, setting for setting, so the
 * messages are the same (ResourceValidatorTest and the golden bundles check that).
 */
final class ReusingInstanceValidator extends FhirInstanceValidator {

    private final ConcurrentLinkedDeque<Reused> idle = new ConcurrentLinkedDeque<>();
    private final int retireAfter;
    private final int maxIdle = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    ReusingInstanceValidator(IValidationSupport support, int retireAfter) {
        super(support);
        this.retireAfter = retireAfter;
    }

    /** Builds one validator ahead of the first resource (start-up warm-up), so the first document does not. */
    void prepare() {
        idle.offerFirst(new Reused(provideWorkerContext()));
    }

    @Override
    protected List<ValidationMessage> validate(IValidationContext<?> context) {
        if (context.getResourceAsStringEncoding() != EncodingEnum.JSON) {
            // ResourceValidator only ever passes JSON; anything else goes HAPI's own way.
            return super.validate(context);
        }
        Reused validator = idle.pollFirst();
        if (validator == null) {
            validator = new Reused(provideWorkerContext());
        }
        List<ValidationMessage> messages = validator.validate(context);
        // Not on a failure: a validator that threw may hold half of a resource.
        // At most one idle validator per thread that validates at once (workers and the parallel entries):
        // more would only hold memory.
        if (validator.uses < retireAfter && idle.size() < maxIdle) {
            idle.offerFirst(validator);
        }
        return messages;
    }

    /** Validators built so far and still idle (for tests: reuse keeps this at the number of threads). */
    int idleValidators() {
        return idle.size();
    }

    private final class Reused {

        private final IWorkerContext worker;
        private final ResetInstanceValidator core;
        private final JsonParser parser;
        private int uses;

        Reused(IWorkerContext worker) {
            this.worker = worker;
            this.core = new ResetInstanceValidator(worker);
            // The element parser is reused too: HAPI makes one per resource, and each builds a FHIRPath engine.
            this.parser = new JsonParser(worker);
            parser.setupValidation(ParserBase.ValidationPolicy.EVERYTHING);
            core.setAssumeValidRestReferences(isAssumeValidRestReferences());
            core.setBestPracticeWarningLevel(getBestPracticeWarningLevel());
            core.setAnyExtensionsAllowed(isAnyExtensionsAllowed());
            core.setResourceIdRule(IdStatus.OPTIONAL);
            core.setNoTerminologyChecks(isNoTerminologyChecks());
            core.setErrorForUnknownProfiles(isErrorForUnknownProfiles());
            // As HAPI: it interacts with UnknownCodeSystemWarningValidationSupport and must stay fixed.
            core.setUnknownCodeSystemsCauseErrors(true);
            core.getExtensionDomains().addAll(getExtensionDomains());
            core.setFetcher(getValidatorResourceFetcher());
            core.setPolicyAdvisor(getValidatorPolicyAdvisor());
            core.setNoExtensibleWarnings(isNoExtensibleWarnings());
            core.setNoBindingMsgSuppressed(isNoBindingMsgSuppressed());
            core.setAllowExamples(isAllowExamples());
            core.setAllowXsiLocation(true);
        }

        List<ValidationMessage> validate(IValidationContext<?> context) {
            uses++;
            core.forgetLastResource();
            String input = context.getResourceAsString();
            List<ValidationMessage> profileNotFound = new ArrayList<>();
            List<StructureDefinition> profiles = new ArrayList<>();
            for (String url : context.getOptions().getProfiles()) {
                addProfile(url, profiles, profileNotFound);
            }
            JsonObject json = com.google.gson.JsonParser.parseString(input).getAsJsonObject();
            JsonObject meta = json.getAsJsonObject("meta");
            JsonElement claimed = meta == null ? null : meta.get("profile");
            if (claimed instanceof JsonArray urls) {
                urls.forEach(url -> addProfile(url.getAsString(), profiles, profileNotFound));
            }

            List<ValidationMessage> messages = new ArrayList<>();
            // What InstanceValidator.validate(appContext, messages, stream, JSON, profiles) does, with our parser.
            List<ValidatedFragment> content;
            try {
                content = parser.parse(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new FHIRException(e);
            }
            core.validatedContent = content;
            if (content != null) {
                for (ValidatedFragment fragment : content) {
                    if (fragment.getElement() != null) {
                        core.validate(
                                context.getOptions().getAppContext(),
                                fragment.getErrors(),
                                content.size() > 1 ? fragment.path() : null,
                                fragment.getElement(),
                                profiles);
                    }
                    messages.addAll(fragment.getErrors());
                }
            }
            if (profiles.isEmpty()) {
                messages.addAll(profileNotFound);
            }
            messages.removeIf(ReusingInstanceValidator::dropped);
            if (isErrorForUnknownProfiles()) {
                messages.stream()
                        .filter(m -> I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(m.getMessageId())
                                || I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY.equals(m.getMessageId()))
                        .filter(m -> m.getLevel() == ValidationMessage.IssueSeverity.WARNING)
                        .forEach(m -> m.setLevel(ValidationMessage.IssueSeverity.ERROR));
            }
            return messages;
        }

        private void addProfile(String url, List<StructureDefinition> profiles, List<ValidationMessage> notFound) {
            StructureDefinition profile = worker.fetchResource(StructureDefinition.class, url);
            if (profile != null) {
                profiles.add(profile);
            } else {
                ValidationMessage m = new ValidationMessage();
                m.setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN);
                m.setLevel(ValidationMessage.IssueSeverity.ERROR);
                m.setMessage("Invalid profile. Failed to retrieve profile with url=" + url);
                notFound.add(m);
            }
        }
    }

    /** The messages HAPI's wrapper filters out, the same way. */
    private static boolean dropped(ValidationMessage m) {
        String id = m.getMessageId();
        return id != null
                && (id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE)
                        || id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE2)
                        || (id.equals(I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND)
                                && m.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")));
    }

    /** The core validator with what it carries from one resource to the next cleared before each. */
    private static final class ResetInstanceValidator extends InstanceValidator {

        ResetInstanceValidator(IWorkerContext worker) {
            super(
                    worker,
                    new FhirInstanceValidator.NullEvaluationContext(),
                    new XVerExtensionManager(worker),
                    new ValidatorSession(),
                    new ValidatorSettings());
        }

        void forgetLastResource() {
            // Messages held back for a location, and the "status" warnings it gives once per validator:
            // a reused validator would otherwise leave them out for the second resource that earns them.
            trackedMessages.clear();
            messagesToRemove.clear();
            statusWarnings.clear();
        }
    }
}
