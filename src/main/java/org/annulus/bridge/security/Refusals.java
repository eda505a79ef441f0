package org.annulus.bridge.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * 401, 403 and a refused {@code Host} as FHIR OperationOutcomes. Spring Security's bearer-token
 * handlers set the status and the {@code WWW-Authenticate} header (RFC 6750 §3); this adds the body.
 * The issue's {@code expression} names the HTTP header, as FHIR R4 says for HTTP-level issues
 * ({@code OperationOutcome.issue.location}: "http." + the parameter name).
 */
final class Refusals implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private final FhirContext fhir;
    private final AuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final AccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();

    Refusals(FhirContext fhir) {
        this.fhir = fhir;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException, ServletException {
        bearerEntryPoint.commence(request, response, e);
        String why = e instanceof OAuth2AuthenticationException oauth
                        && oauth.getError().getDescription() != null
                ? "the bearer token was refused: " + oauth.getError().getDescription()
                : "a bearer token is required: send Authorization: Bearer <access token from the bridge's issuer>";
        write(response, HttpServletResponse.SC_UNAUTHORIZED, IssueType.LOGIN, "http.Authorization", why);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException, ServletException {
        bearerDenied.handle(request, response, e);
        Caller caller = Caller.of(SecurityContextHolder.getContext().getAuthentication());
        String needed = AccessRules.matching(request)
                .map(r -> r.roles().stream().map(Role::scope).sorted().collect(Collectors.joining(" or ")))
                .orElse(Role.OPERATE.scope());
        String held = caller.roles().isEmpty()
                ? "no bridge role"
                : caller.roles().stream().map(Role::scope).sorted().collect(Collectors.joining(", "));
        write(
                response,
                HttpServletResponse.SC_FORBIDDEN,
                IssueType.FORBIDDEN,
                "http.Authorization",
                "this request needs the role " + needed + "; the token grants " + held);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        // StrictHttpFirewall: an untrusted Host ("the domain ... is untrusted"), or a malformed URL or header.
        boolean host = e.getMessage() != null && e.getMessage().contains("domain");
        write(
                response,
                HttpServletResponse.SC_BAD_REQUEST,
                IssueType.SECURITY,
                host ? "http.Host" : null,
                "request refused: " + e.getMessage());
    }

    private void write(HttpServletResponse response, int status, IssueType type, String expression, String diagnostics)
            throws IOException {
        response.setStatus(status);
        response.setContentType(Problem.FHIR_JSON);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(new Problem(type, expression, diagnostics).json(fhir));
    }
}
