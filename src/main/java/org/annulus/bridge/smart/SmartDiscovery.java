package org.annulus.bridge.smart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the token endpoint (SMART App Launch 2.x, "Conformance"): {@code {base}/.well-known/smart-configuration},
 * else the CapabilityStatement's {@code oauth-uris} extension; then checks that the server takes our
 * kind of client authentication before we ever send an assertion.
 */
final class SmartDiscovery {

    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    static final String PRIVATE_KEY_JWT = "private_key_jwt";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration readTimeout;

    SmartDiscovery(HttpClient http, Duration readTimeout) {
        this.http = http;
        this.readTimeout = readTimeout;
    }

    /**
     * What the server says about its token endpoint.
     *
     * @param tokenEndpoint the URL to post token requests to (also the assertion's {@code aud})
     * @param source        where it came from, for the health page
     * @param authMethods   {@code token_endpoint_auth_methods_supported}, empty if not advertised
     * @param algorithms    {@code token_endpoint_auth_signing_alg_values_supported}, empty if not advertised
     */
    record TokenEndpoint(URI tokenEndpoint, String source, List<String> authMethods, List<String> algorithms) {

        /** Refuses, with the reason, a server that says it does not take {@code private_key_jwt} or our algorithm. */
        TokenEndpoint requireSupport(JWSAlgorithm algorithm) {
            if (!authMethods.isEmpty() && !authMethods.contains(PRIVATE_KEY_JWT)) {
                throw new SmartException(SmartProblem.UNSUPPORTED_AUTH_METHOD, "it offers " + authMethods);
            }
            if (!algorithms.isEmpty() && !algorithms.contains(algorithm.getName())) {
                throw new SmartException(
                        SmartProblem.UNSUPPORTED_ALGORITHM,
                        "our key signs " + algorithm.getName() + ", it accepts " + algorithms);
            }
            return this;
        }

        boolean advertisesSupport() {
            return !authMethods.isEmpty();
        }
    }

    TokenEndpoint discover(String fhirBase) {
        String base = fhirBase.endsWith("/") ? fhirBase.substring(0, fhirBase.length() - 1) : fhirBase;
        List<String> tried = new ArrayList<>();
        Optional<JsonNode> config = getJson(base + "/.well-known/smart-configuration", "application/json", tried);
        if (config.isPresent() && config.get().hasNonNull("token_endpoint")) {
            JsonNode c = config.get();
            return new TokenEndpoint(
                    URI.create(c.get("token_endpoint").asText()),
                    "smart-configuration",
                    strings(c.get("token_endpoint_auth_methods_supported")),
                    strings(c.get("token_endpoint_auth_signing_alg_values_supported")));
        }
        Optional<JsonNode> capabilities = getJson(base + "/metadata", "application/fhir+json", tried);
        Optional<URI> token = capabilities.flatMap(SmartDiscovery::oauthTokenUri);
        if (token.isPresent()) {
            return new TokenEndpoint(token.get(), "CapabilityStatement oauth-uris", List.of(), List.of());
        }
        throw new SmartException(SmartProblem.DISCOVERY_FAILED, String.join("; ", tried));
    }

    private Optional<JsonNode> getJson(String url, String accept, List<String> tried) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(readTimeout)
                .header("Accept", accept)
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                tried.add(url + " answered HTTP " + response.statusCode());
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            tried.add(url + " failed (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmartException(SmartProblem.DISCOVERY_FAILED, "interrupted");
        }
    }

    /** {@code rest[].security.extension[oauth-uris].extension[token].valueUri} of a CapabilityStatement. */
    private static Optional<URI> oauthTokenUri(JsonNode capabilities) {
        for (JsonNode rest : capabilities.path("rest")) {
            for (JsonNode ext : rest.path("security").path("extension")) {
                if (!OAUTH_URIS.equals(ext.path("url").asText())) {
                    continue;
                }
                for (JsonNode inner : ext.path("extension")) {
                    if ("token".equals(inner.path("url").asText()) && inner.hasNonNull("valueUri")) {
                        return Optional.of(URI.create(inner.get("valueUri").asText()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> values.add(v.asText()));
        }
        return List.copyOf(values);
    }
}
