/**
 * Who may call the bridge's own API: an OAuth 2.0 resource server (bearer JWTs from the configured
 * issuer, and in the default run from the sandbox's) with three roles, {@code bridge.ingest},
 * {@code bridge.operate} and {@code bridge.audit}, read from the token's scopes or another claim.
 * Stateless and bearer-only: no sessions, no cookies, so no CSRF.
 *
 * <p>API: {@link org.annulus.bridge.security.Caller} (who is calling, as a controller parameter),
 * {@link org.annulus.bridge.security.Role}, {@link org.annulus.bridge.security.TrustedIssuer}
 * (an in-process issuer, contributed by the sandbox) and
 * {@link org.annulus.bridge.security.ApiSecurityProperties}; everything else is internal.
 */
package org.annulus.bridge.security;
