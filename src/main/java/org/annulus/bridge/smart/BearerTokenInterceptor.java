package org.annulus.bridge.smart;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.client.api.ClientResponseContext;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the bearer token on every FHIR request. When the FHIR server answers 401 to a token we
 * thought valid (revoked, or the server's clock runs ahead), it gets one new token and one retry;
 * a second 401 goes back to the caller.
 */
@Interceptor
final class BearerTokenInterceptor {

    private static final Logger log = LoggerFactory.getLogger(BearerTokenInterceptor.class);
    private static final String AUTHORIZATION = "Authorization";
    private static final String BEARER = "Bearer ";

    private final SmartSession session;

    BearerTokenInterceptor(SmartSession session) {
        this.session = session;
    }

    @Hook(Pointcut.CLIENT_REQUEST)
    public void authorize(IHttpRequest request) {
        setToken(request, session.bearerToken());
    }

    @Hook(Pointcut.CLIENT_RESPONSE)
    public void retryOnceWhenRefused(IHttpRequest request, IHttpResponse response, ClientResponseContext context)
            throws IOException {
        if (response.getStatus() != 401) {
            return;
        }
        String refused = sentToken(request);
        if (refused == null) {
            return;
        }
        session.refused(refused);
        String fresh = session.bearerToken();
        response.close();
        setToken(request, fresh);
        IHttpResponse retried = request.execute();
        context.setHttpResponse(retried);
        if (retried.getStatus() == 401) {
            log.warn(
                    "{} {}: {} — {}",
                    request.getHttpVerbName(),
                    session.fhirBaseUrl(),
                    SmartProblem.NOT_AUTHORIZED_BY_EHR.summary(),
                    SmartProblem.NOT_AUTHORIZED_BY_EHR.hint());
        }
    }

    private static void setToken(IHttpRequest request, String token) {
        request.removeHeaders(AUTHORIZATION);
        request.addHeader(AUTHORIZATION, BEARER + token);
    }

    private static String sentToken(IHttpRequest request) {
        List<String> values = request.getAllHeaders().entrySet().stream()
                .filter(h -> AUTHORIZATION.equalsIgnoreCase(h.getKey()))
                .flatMap(h -> h.getValue().stream())
                .filter(v -> v.startsWith(BEARER))
                .toList();
        return values.isEmpty() ? null : values.get(0).substring(BEARER.length());
    }
}
