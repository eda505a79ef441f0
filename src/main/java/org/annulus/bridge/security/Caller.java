package org.annulus.bridge.security;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who is calling: the client the token was issued to and the bridge roles it holds. Controllers
 * take it as a parameter.
 *
 * @param clientId the token's {@code azp}, else {@code client_id}, else {@code sub}
 * @param roles    the bridge roles granted
 */
public record Caller(String clientId, Set<Role> roles) {

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** Operators and auditors see every document and every outcome; a clinic sees its own. */
    public boolean seesEveryDocument() {
        return roles.contains(Role.OPERATE) || roles.contains(Role.AUDIT);
    }

    /** Whether tracking of a document submitted by {@code submitter} (null: not via the API) may be shown. */
    public boolean maySee(String submitter) {
        return seesEveryDocument() || (submitter != null && submitter.equals(clientId));
    }

    static Caller of(Authentication authentication) {
        EnumSet<Role> roles = EnumSet.noneOf(Role.class);
        if (authentication != null) {
            authentication.getAuthorities().stream()
                    .map(GrantedAuthority::getAuthority)
                    .map(Role::ofScope)
                    .flatMap(java.util.Optional::stream)
                    .forEach(roles::add);
        }
        return new Caller(authentication == null ? null : authentication.getName(), roles);
    }
}
