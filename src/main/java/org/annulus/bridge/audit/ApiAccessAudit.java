package org.annulus.bridge.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every access to PHI through our own API — submit, tracking read, and the audit, trace and export
 * endpoints themselves — becomes a BALP AuditEvent with the calling client (from its token) as the
 * requestor. Runs behind the security filter chain, so the caller is known.
 */
@Component
class ApiAccessAudit extends OncePerRequestFilter {

    private final FlowAudit audit;
    private final Clock clock;

    ApiAccessAudit(FlowAudit audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.startsWith("/api/v1/documents")
                || path.startsWith("/api/v1/audit")
                || path.startsWith("/api/v1/trace")
                || path.startsWith("/audit/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            record(request, response);
        }
    }

    private void record(HttpServletRequest request, HttpServletResponse response) {
        String path = request.getRequestURI();
        boolean post = "POST".equals(request.getMethod());
        String trackingId = null;
        String interaction;
        if (path.startsWith("/api/v1/documents")) {
            String[] parts = path.substring("/api/v1/documents".length()).split("/");
            trackingId = parts.length > 1 && !"replay".equals(parts[1]) ? parts[1] : null;
            if (post && trackingId == null && parts.length <= 1) {
                String location = response.getHeader("Location");
                trackingId = location == null ? null : location.substring(location.lastIndexOf('/') + 1);
                interaction = "create";
            } else {
                interaction = post ? "operation" : "read";
            }
        } else {
            interaction = "search-type";
        }
        AuditEvent event = BalpEvents.rest(interaction, clock.instant(), response.getStatus());
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        BalpEvents.client(event, caller == null ? null : caller.getName(), false);
        BalpEvents.server(event, request.getRequestURL().toString(), true);
        if (trackingId != null) {
            BalpEvents.document(event, trackingId);
        }
        if ("search-type".equals(interaction)) {
            BalpEvents.query(event, path + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
        }
        audit.append(event, null, trackingId);
    }
}
