package org.annulus.bridge.smart;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * Published after each SMART token request, for the audit log. Never carries the token or the
 * client assertion.
 *
 * @param clientId      our registered client id
 * @param tokenEndpoint where the request went
 * @param scopes        the scopes requested
 * @param success       whether a token came back
 * @param problem       the failure kind (a {@link SmartProblem} name) when it did not, else null
 * @param at            when the answer came
 */
public record TokenRequested(
        String clientId, URI tokenEndpoint, List<String> scopes, boolean success, String problem, Instant at) {

    public TokenRequested {
        scopes = List.copyOf(scopes);
    }
}
