package org.annulus.bridge.ehr;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns each request and answer of the FHIR client into an {@link EhrExchange} event. */
final class ExchangeEvents implements IClientInterceptor {

    private static final Pattern VERSIONED = Pattern.compile("(?:^|/)([A-Z][A-Za-z]+)/([^/]+)/_history/([^/]+)/?$");

    private final String baseUrl;
    private final Consumer<EhrExchange> events;
    private final Clock clock;
    /** The request of this thread's call: HAPI hands the answer over without it. */
    private final ThreadLocal<IHttpRequest> current = new ThreadLocal<>();

    ExchangeEvents(String baseUrl, Consumer<EhrExchange> events, Clock clock) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        current.set(request);
    }

    @Override
    public void interceptResponse(IHttpResponse response) {
        IHttpRequest request = current.get();
        current.remove();
        if (request == null) {
            return;
        }
        String method = request.getHttpVerbName();
        URI uri = URI.create(request.getUri());
        String relative = uri.getRawPath() == null ? "" : uri.getRawPath();
        String basePath = URI.create(baseUrl).getRawPath();
        if (basePath != null && relative.startsWith(basePath)) {
            relative = relative.substring(basePath.length());
        }
        String[] parts = relative.isEmpty() ? new String[0] : relative.split("/");
        String type = parts.length > 0 && !parts[0].isEmpty() && !parts[0].startsWith("_") ? parts[0] : null;
        String id = parts.length > 1 && !parts[1].startsWith("_") ? parts[1] : null;
        String query = uri.getRawQuery();
        String interaction = interaction(method, type, id, parts, query);
        if ("metadata".equals(type)) {
            type = null;
        }
        String version = null;
        String location = first(response.getAllHeaders(), "Location", "Content-Location");
        if (location != null) {
            Matcher m = VERSIONED.matcher(URI.create(location).getPath());
            if (m.find()) {
                id = id == null ? m.group(2) : id;
                version = m.group(3);
            }
        }
        String etag = first(response.getAllHeaders(), "ETag");
        if (version == null && etag != null) {
            version = etag.replaceFirst("^W/", "").replace("\"", "");
        }
        events.accept(new EhrExchange(
                baseUrl,
                method,
                interaction,
                type,
                id,
                version,
                "search-type".equals(interaction) || "POST".equals(method) && query != null ? query : null,
                response.getStatus(),
                clock.instant()));
    }

    private static String interaction(String method, String type, String id, String[] parts, String query) {
        if (type == null) {
            return "POST".equals(method) ? "transaction" : "search-system";
        }
        if ("metadata".equals(type)) {
            return "capabilities";
        }
        boolean search = parts.length > 1 && "_search".equals(parts[1]);
        return switch (method) {
            case "POST" -> search ? "search-type" : "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> id == null ? "search-type" : parts.length > 3 && "_history".equals(parts[2]) ? "vread" : "read";
        };
    }

    private static String first(Map<String, List<String>> headers, String... names) {
        if (headers == null) {
            return null;
        }
        for (String name : names) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null
                        && e.getKey().equalsIgnoreCase(name)
                        && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
        }
        return null;
    }
}
