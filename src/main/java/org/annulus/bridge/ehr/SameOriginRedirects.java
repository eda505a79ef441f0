package org.annulus.bridge.ehr;

import java.net.URI;
import java.util.Locale;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.ProtocolException;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.impl.client.DefaultRedirectStrategy;
import org.apache.http.protocol.HttpContext;

/**
 * Follows a redirect only to the same scheme, host and port. HttpClient 4 copies every header of the
 * original request, the bearer token included, onto the redirected one: a redirect to another host
 * would hand it our token, so such an answer is returned as it is (and fails the call) instead.
 */
final class SameOriginRedirects extends DefaultRedirectStrategy {

    @Override
    public boolean isRedirected(HttpRequest request, HttpResponse response, HttpContext context)
            throws ProtocolException {
        if (!super.isRedirected(request, response, context)) {
            return false;
        }
        // Read the header here: getLocationURI would record the location and make the follow-up look circular.
        org.apache.http.Header header = response.getFirstHeader("Location");
        HttpHost target = HttpClientContext.adapt(context).getTargetHost();
        URI location;
        try {
            location = header == null ? null : new URI(header.getValue().strip());
        } catch (java.net.URISyntaxException e) {
            throw new ProtocolException("invalid redirect location", e);
        }
        return target != null && location != null && sameOrigin(target, location);
    }

    static boolean sameOrigin(HttpHost target, URI location) {
        if (!location.isAbsolute()) {
            return true;
        }
        String scheme = location.getScheme();
        int port = location.getPort() != -1 ? location.getPort() : defaultPort(scheme);
        int targetPort = target.getPort() != -1 ? target.getPort() : defaultPort(target.getSchemeName());
        return scheme.equalsIgnoreCase(target.getSchemeName())
                && location.getHost() != null
                && location.getHost()
                        .toLowerCase(Locale.ROOT)
                        .equals(target.getHostName().toLowerCase(Locale.ROOT))
                && port == targetPort;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }
}
