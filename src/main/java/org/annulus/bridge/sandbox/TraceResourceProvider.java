package org.annulus.bridge.sandbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import java.util.List;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Provenance and AuditEvent: the trail of the exchange. R4 gives them no {@code identifier} search
 * parameter, but {@code patient} (Provenance.target, AuditEvent.entity.what).
 */
final class TraceResourceProvider<T extends Resource> extends StoredResourceProvider<T> {

    TraceResourceProvider(Class<T> type, SandboxStore store, FhirContext fhirContext) {
        super(type, store, fhirContext);
    }

    @Search
    public List<T> search(
            @OptionalParam(name = "_id") TokenAndListParam ids,
            @OptionalParam(name = "patient", targetTypes = Patient.class) ReferenceAndListParam patients) {
        return matching(new SearchQuery(ids, null, patients, null));
    }
}
