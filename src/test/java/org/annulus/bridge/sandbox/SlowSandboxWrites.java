package org.annulus.bridge.sandbox;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A slow EHR for the process tests: every write to the sandbox's FHIR endpoint answers after
 * {@code bridge.test.sandbox-write-delay}, as WireMock's fixed delay would. Test scope only, and inert
 * unless that property is set (a bridge process started by a test sets it).
 */
@Component
@ConditionalOnProperty("bridge.test.sandbox-write-delay")
class SlowSandboxWrites extends OncePerRequestFilter {

    private final Duration delay;

    SlowSandboxWrites(@Value("${bridge.test.sandbox-write-delay}") Duration delay) {
        this.delay = delay;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean write =
                request.getMethod().equals("POST") || request.getMethod().equals("PUT");
        if (write && request.getRequestURI().startsWith("/sandbox/fhir")) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        chain.doFilter(request, response);
    }
}
