package org.annulus.bridge.smart;

import java.time.Instant;
import java.util.List;

/**
 * A bearer token as the token endpoint issued it.
 *
 * @param value         the token; never logged (see {@link #toString()})
 * @param issuedAt      when we received it
 * @param expiresAt     when it expires ({@code expires_in}, or an assumed lifetime if the server sent none)
 * @param grantedScopes the granted scopes ({@code scope}, or the requested ones if the server sent none)
 */
record AccessToken(String value, Instant issuedAt, Instant expiresAt, List<String> grantedScopes) {

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + ", scopes=" + grantedScopes + "]";
    }
}
