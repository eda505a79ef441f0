/**
 * The hospital EHR as a FHIR R4 server: where it is, finding the patient, and writing one
 * document's resources as a transaction. API: {@link org.annulus.bridge.ehr.EhrWriter}.
 */
package org.annulus.bridge.ehr;
