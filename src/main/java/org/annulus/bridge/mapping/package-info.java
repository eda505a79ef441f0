/**
 * Pure mapping from clinic documents to FHIR R4: one mapper per document kind, and what send time
 * adds from the patient's other documents; no I/O, the same documents always giving the same
 * resources. API: {@link org.annulus.bridge.mapping.ClinicalMapper},
 * {@link org.annulus.bridge.mapping.SendTimeComposition}.
 */
package org.annulus.bridge.mapping;
