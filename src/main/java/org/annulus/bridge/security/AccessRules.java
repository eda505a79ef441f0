package org.annulus.bridge.security;

import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;

import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what, first match wins. One table for the filter chain, the 403 message and the
 * README's endpoint table. Anything not listed is for operators only, so an endpoint added later is
 * closed until a rule opens it.
 */
final class AccessRules {

    /**
     * @param method  the HTTP method, or null for any
     * @param pattern a path pattern ({@code *} one segment, {@code **} the rest)
     * @param roles   the roles any one of which is enough; empty: public, no token needed
     */
    record Rule(HttpMethod method, String pattern, Set<Role> roles) {

        RequestMatcher matcher() {
            return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
        }

        boolean isPublic() {
            return roles.isEmpty();
        }

        String[] authorities() {
            return roles.stream().map(Role::scope).toArray(String[]::new);
        }
    }

    static final List<Rule> RULES = List.of(
            open(GET, "/actuator/health/liveness"),
            open(GET, "/actuator/health/readiness"),
            open(GET, "/.well-known/jwks.json"),
            open(GET, "/api/v1/schemas/**"),
            rule(POST, "/api/v1/documents", Role.INGEST, Role.OPERATE),
            rule(POST, "/api/v1/documents/replay", Role.OPERATE),
            rule(POST, "/api/v1/documents/*/replay", Role.OPERATE),
            rule(POST, "/api/v1/documents/*/patient", Role.OPERATE),
            rule(POST, "/api/v1/documents/*/resolve", Role.OPERATE),
            rule(POST, "/api/v1/documents/*/release", Role.OPERATE),
            // an ingest client sees only what it submitted: DocumentController checks the submitter
            rule(GET, "/api/v1/documents/*", Role.INGEST, Role.OPERATE, Role.AUDIT),
            // the auditor's trail (issue 14, point 7): trace for auditors and operators; export and page for auditors
            rule(GET, "/api/v1/trace", Role.AUDIT, Role.OPERATE),
            rule(GET, "/api/v1/audit/export", Role.AUDIT),
            rule(GET, "/audit/trace", Role.AUDIT),
            // status for every role; components and details only with bridge.operate (management.endpoint.health.roles)
            // the audit log (verify, export) for auditors; reading it is itself audited (audit/ApiAccessAudit)
            rule(GET, "/api/v1/audit/**", Role.AUDIT),
            rule(GET, "/actuator/health", Role.INGEST, Role.OPERATE, Role.AUDIT),
            rule(null, "/actuator/**", Role.OPERATE),
            rule(null, "/**", Role.OPERATE));

    private AccessRules() {}

    static Optional<Rule> matching(HttpServletRequest request) {
        return RULES.stream().filter(r -> r.matcher().matches(request)).findFirst();
    }

    private static Rule open(HttpMethod method, String pattern) {
        return new Rule(method, pattern, Set.of());
    }

    private static Rule rule(HttpMethod method, String pattern, Role first, Role... more) {
        return new Rule(method, pattern, Set.copyOf(EnumSet.of(first, more)));
    }
}
