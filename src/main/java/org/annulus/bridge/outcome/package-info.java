/**
 * How the bridge says no: {@link org.annulus.bridge.outcome.Problem}, one issue with the field it is
 * about, and the FHIR OperationOutcome made of such issues. Used by every module that refuses
 * something (intake, security, the operator's endpoints, the sync path); depends on no module.
 */
package org.annulus.bridge.outcome;
