/**
 * Pure mapping from clinic documents to FHIR R4: one mapper per document kind, no I/O, the same
 * document always giving the same resources. API: {@link org.annulus.bridge.mapping.ClinicalMapper}.
 */
package org.annulus.bridge.mapping;
