package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/** Types searched by business identifier only: Patient, Practitioner, Organization, PlanDefinition. */
final class IdentifiedResourceProvider<T extends Resource> extends StoredResourceProvider<T> {

    IdentifiedResourceProvider(Class<T> type, SandboxStore store, FhirContext fhirContext) {
        super(type, store, fhirContext);
    }

    @Search
    public List<T> search(
            @OptionalParam(name = "_id") TokenAndListParam ids,
            @OptionalParam(name = "identifier") TokenAndListParam identifiers) {
        return matching(new SearchQuery(ids, identifiers, null, null));
    }
}
