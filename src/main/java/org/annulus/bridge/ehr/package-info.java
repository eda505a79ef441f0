/**
 * The hospital EHR as a FHIR R4 server: where it is, finding the patient, planning one document's send
 * for what this EHR takes ({@code WritePlan}), sending it and telling what the answer means. API:
 * {@link org.annulus.bridge.ehr.EhrWriter}.
 */
package org.annulus.bridge.ehr;
