package org.annulus.bridge.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A validated token as an authentication: named by its client, holding the bridge roles found in
 * the roles claim (other scopes and roles are ignored).
 */
final class TokenRoles implements Converter<Jwt, AbstractAuthenticationToken> {

    /** Where OAuth 2.0 issuers name the client: Keycloak and OIDC {@code azp}, RFC 9068 {@code client_id}, else {@code sub}. */
    static final List<String> CLIENT_CLAIMS = List.of("azp", "client_id", "sub");

    private final String rolesClaim;

    TokenRoles(String rolesClaim) {
        this.rolesClaim = rolesClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<SimpleGrantedAuthority> authorities = values(jwt.getClaims()).stream()
                .map(Role::ofScope)
                .flatMap(Optional::stream)
                .distinct()
                .map(r -> new SimpleGrantedAuthority(r.scope()))
                .toList();
        return new JwtAuthenticationToken(jwt, authorities, clientId(jwt).orElse(null));
    }

    static Optional<String> clientId(Jwt jwt) {
        return CLIENT_CLAIMS.stream()
                .map(jwt::getClaimAsString)
                .filter(v -> v != null && !v.isBlank())
                .findFirst();
    }

    /** The claim's values: a space-separated string (OAuth 2.0 {@code scope}) or an array, at a dotted path. */
    private List<String> values(Map<String, Object> claims) {
        Object value = claims.containsKey(rolesClaim) ? claims.get(rolesClaim) : atPath(claims);
        if (value instanceof String s) {
            return Arrays.stream(s.trim().split("\\s+"))
                    .filter(v -> !v.isEmpty())
                    .toList();
        }
        if (value instanceof Collection<?> c) {
            List<String> values = new ArrayList<>();
            c.forEach(v -> values.add(String.valueOf(v)));
            return values;
        }
        return List.of();
    }

    private Object atPath(Map<String, Object> claims) {
        Object node = claims;
        for (String step : rolesClaim.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(step);
        }
        return node;
    }
}
