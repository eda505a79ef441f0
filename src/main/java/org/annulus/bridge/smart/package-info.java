/**
 * SMART Backend Services client (SMART App Launch 2.x, "Backend Services"; RFC 7523): discovery of
 * the token endpoint, the signed JWT client assertion ({@code private_key_jwt}), the shared token
 * cache and the JWKS that publishes our public keys.
 *
 * <p>API: {@link org.annulus.bridge.smart.SmartAuthorization} (attach to a HAPI client, status),
 * {@link org.annulus.bridge.smart.SmartTarget}, {@link org.annulus.bridge.smart.SmartStatus},
 * {@link org.annulus.bridge.smart.SmartProblem} and {@link org.annulus.bridge.smart.SmartProperties};
 * everything else is internal.
 */
package org.annulus.bridge.smart;
