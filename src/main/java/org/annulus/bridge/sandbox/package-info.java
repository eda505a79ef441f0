/**
 * The sandbox EHR of the default run: an in-process FHIR R4 server at {@code /sandbox/fhir} with
 * fictional patients, so that the bridge runs end to end with no hospital at hand. Never for
 * clinical use and never in production ({@code bridge.sandbox.enabled=false}).
 *
 * <p>API: {@link org.annulus.bridge.sandbox.SandboxEhr} (read-only view of what the sandbox
 * stored) and {@link org.annulus.bridge.sandbox.SandboxProperties}; everything else is internal.
 */
package org.annulus.bridge.sandbox;
