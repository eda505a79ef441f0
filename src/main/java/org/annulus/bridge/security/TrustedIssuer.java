package org.annulus.bridge.security;

import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * An issuer besides the configured one whose tokens the bridge accepts: the sandbox's, in the
 * default run. Deliberately not a {@link JwtDecoder} bean, which would switch off Spring Boot's
 * decoder for {@code spring.security.oauth2.resourceserver.jwt.*}.
 *
 * @param issuer     the exact {@code iss} of its tokens
 * @param decoder    verifies their signature, issuer and lifetime
 * @param rolesClaim the claim that carries the roles in its tokens
 */
public record TrustedIssuer(String issuer, JwtDecoder decoder, String rolesClaim) {}
