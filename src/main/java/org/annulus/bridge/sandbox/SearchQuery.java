package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.QualifiedParamList;
import ca.uhn.fhir.rest.param.BaseAndListParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.UrlUtil;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The search parameters the sandbox understands. Each one is a list of ANDs of ORs, as FHIR R4
 * search defines (http.html#search, search.html#combining); a null parameter means "not asked".
 */
record SearchQuery(
        TokenAndListParam ids,
        TokenAndListParam identifiers,
        ReferenceAndListParam patients,
        ReferenceAndListParam subjects) {

    /**
     * Parses the query of a conditional create ({@code If-None-Exist}, {@code Bundle.entry.request.ifNoneExist})
     * or a conditional reference; {@code Patient?identifier=a|b} and {@code identifier=a|b} both work.
     * Only {@code _id} and {@code identifier} are accepted: criteria that match on anything else are
     * not a stable business key, and no criteria at all would match everything.
     */
    static SearchQuery fromConditionalUrl(FhirContext fhirContext, String conditionalUrl) {
        int question = conditionalUrl.indexOf('?');
        String query = question < 0 ? conditionalUrl : conditionalUrl.substring(question + 1);
        Map<String, String[]> params = UrlUtil.parseQueryString(query);
        if (params.isEmpty()) {
            throw new InvalidRequestException("Conditional URL '" + conditionalUrl + "' has no search criteria");
        }
        TokenAndListParam ids = null;
        TokenAndListParam identifiers = null;
        for (Map.Entry<String, String[]> param : params.entrySet()) {
            switch (param.getKey()) {
                case "_id" -> ids = parse(fhirContext, new TokenAndListParam(), "_id", param.getValue());
                case "identifier" ->
                    identifiers = parse(fhirContext, new TokenAndListParam(), "identifier", param.getValue());
                default ->
                    throw new InvalidRequestException("Conditional URL parameter '" + param.getKey()
                            + "' is not supported by the sandbox EHR; use identifier or _id");
            }
        }
        return new SearchQuery(ids, identifiers, null, null);
    }

    private static <T extends BaseAndListParam<?>> T parse(
            FhirContext fhirContext, T target, String name, String[] values) {
        List<QualifiedParamList> ors = Arrays.stream(values)
                .map(value -> QualifiedParamList.splitQueryStringByCommasIgnoreEscape(null, value))
                .toList();
        target.setValuesAsQueryTokens(fhirContext, name, ors);
        return target;
    }
}
