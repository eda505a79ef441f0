package org.annulus.bridge.security;

import jakarta.validation.constraints.NotBlank;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Access to the bridge's API (prefix {@code bridge.security}). The issuer itself is configured with
 * Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} or {@code jwk-set-uri}.
 *
 * @param rolesClaim   the claim that carries the roles: {@code scope} (space separated, OAuth 2.0) by default;
 *                     a dotted path reaches into objects, e.g. {@code realm_access.roles} for Keycloak realm roles
 * @param audience     when set, a token's {@code aud} must contain it; empty: no audience check
 * @param allowedHosts when set, requests whose {@code Host} is not one of these (or loopback) are refused
 */
@Validated
@ConfigurationProperties("bridge.security")
public record ApiSecurityProperties(
        @NotBlank @DefaultValue("scope") String rolesClaim,
        @DefaultValue("") String audience,
        List<String> allowedHosts) {

    public ApiSecurityProperties {
        allowedHosts = allowedHosts == null
                ? List.of()
                : allowedHosts.stream()
                        .filter(h -> h != null && !h.isBlank())
                        .map(String::trim)
                        .toList();
    }

    public boolean checksAudience() {
        return audience != null && !audience.isBlank();
    }
}
