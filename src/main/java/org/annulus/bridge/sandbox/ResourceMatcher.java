package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Decides whether a stored resource answers a {@link SearchQuery}. */
final class ResourceMatcher {

    /**
     * The element behind the R4 search parameter {@code patient} of each type that has one
     * (the "patient" row of each resource's search parameter table); {@code subject} is always
     * the {@code subject} element.
     */
    private static final Map<String, String> PATIENT_ELEMENT = Map.of(
            "Condition", "subject",
            "Observation", "subject",
            "Procedure", "subject",
            "CarePlan", "subject",
            "Goal", "subject",
            "ServiceRequest", "subject",
            "DocumentReference", "subject",
            "MedicationAdministration", "subject",
            "Provenance", "target",
            "AuditEvent", "entity.what");

    private final FhirContext fhirContext;
    private final FhirTerser terser;

    ResourceMatcher(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
        this.terser = fhirContext.newTerser();
    }

    boolean matches(Resource resource, SearchQuery query) {
        return allOf(query.ids(), id -> tokenMatches(id, resource.getIdElement().getIdPart()))
                && allOf(query.identifiers(), token -> identifiers(resource).stream()
                        .anyMatch(identifier -> identifierMatches(token, identifier)))
                && allOfReferences(query.patients(), param -> references(resource, patientElement(resource)).stream()
                        .anyMatch(ref -> referenceMatches(param, ref, "Patient")))
                && allOfReferences(query.subjects(), param -> references(resource, "subject").stream()
                        .anyMatch(ref -> referenceMatches(param, ref, null)));
    }

    private static boolean allOf(TokenAndListParam and, Predicate<TokenParam> matches) {
        if (and == null) {
            return true;
        }
        return and.getValuesAsQueryTokens().stream()
                .allMatch(or -> or.getValuesAsQueryTokens().stream().anyMatch(token -> {
                    if (token.getModifier() != null) {
                        throw new InvalidRequestException("Search modifier :"
                                + token.getModifier().getValue() + " is not supported by the sandbox EHR");
                    }
                    return matches.test(token);
                }));
    }

    private static boolean allOfReferences(ReferenceAndListParam and, Predicate<ReferenceParam> matches) {
        if (and == null) {
            return true;
        }
        return and.getValuesAsQueryTokens().stream()
                .allMatch(or -> or.getValuesAsQueryTokens().stream().anyMatch(param -> {
                    if (StringUtils.isNotBlank(param.getChain())) {
                        throw new InvalidRequestException(
                                "Chained search (." + param.getChain() + ") is not supported by the sandbox EHR");
                    }
                    return matches.test(param);
                }));
    }

    private static boolean tokenMatches(TokenParam token, String value) {
        return Objects.equals(token.getValue(), value);
    }

    /** Token rules of R4 search.html#token: code, system|code, |code (no system), system| (any code). */
    private static boolean identifierMatches(TokenParam token, Identifier identifier) {
        String system = token.getSystem();
        boolean systemMatches =
                system == null || (system.isEmpty() ? !identifier.hasSystem() : system.equals(identifier.getSystem()));
        boolean valueMatches = StringUtils.isEmpty(token.getValue())
                ? system != null
                : token.getValue().equals(identifier.getValue());
        return systemMatches && valueMatches;
    }

    private static boolean referenceMatches(ReferenceParam param, Reference reference, String requiredType) {
        IIdType target = reference.getReferenceElement();
        if (!target.hasIdPart() || !Objects.equals(target.getIdPart(), param.getIdPart())) {
            return false;
        }
        String wantedType = StringUtils.defaultIfBlank(param.getResourceType(), requiredType);
        return wantedType == null || wantedType.equals(target.getResourceType());
    }

    private List<Identifier> identifiers(Resource resource) {
        if (fhirContext.getResourceDefinition(resource).getChildByName("identifier") == null) {
            throw new InvalidRequestException(resource.fhirType() + " has no identifier to search on");
        }
        return terser.getValues(resource, resource.fhirType() + ".identifier", Identifier.class);
    }

    private static String patientElement(Resource resource) {
        String element = PATIENT_ELEMENT.get(resource.fhirType());
        if (element == null) {
            throw new InvalidRequestException(resource.fhirType() + " has no search parameter 'patient'");
        }
        return element;
    }

    private List<Reference> references(Resource resource, String element) {
        return terser.getValues(resource, resource.fhirType() + "." + element, Reference.class);
    }
}
