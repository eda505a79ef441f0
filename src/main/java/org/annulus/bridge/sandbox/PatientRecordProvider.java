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
 * Types that belong to a patient's chart and have a {@code subject}: Condition, Observation,
 * Procedure, CarePlan, Goal, ServiceRequest, DocumentReference.
 */
final class PatientRecordProvider<T extends Resource> extends StoredResourceProvider<T> {

    PatientRecordProvider(Class<T> type, SandboxStore store, FhirContext fhirContext) {
        super(type, store, fhirContext);
    }

    @Search
    public List<T> search(
            @OptionalParam(name = "_id") TokenAndListParam ids,
            @OptionalParam(name = "identifier") TokenAndListParam identifiers,
            @OptionalParam(name = "patient", targetTypes = Patient.class) ReferenceAndListParam patients,
            @OptionalParam(name = "subject") ReferenceAndListParam subjects) {
        return matching(new SearchQuery(ids, identifiers, patients, subjects));
    }
}
