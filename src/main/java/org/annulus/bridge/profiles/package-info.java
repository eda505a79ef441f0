/**
 * FHIR model support: the application's FhirContext and (issue 4) the validation chain of FHIR core,
 * US Core and our own profiles in {@code fhir-profiles/}.
 */
package org.annulus.bridge.profiles;
