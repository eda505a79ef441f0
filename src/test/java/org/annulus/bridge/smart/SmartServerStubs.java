package org.annulus.bridge.smart;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** WireMock as the EHR's FHIR server and authorization server, the way SMART servers answer. */
final class SmartServerStubs {

    static final String FHIR = "/fhir";
    static final String TOKEN = "/auth/token";

    private SmartServerStubs() {}

    /** The bridge's client registration with these servers: its key (and the previous one), key id and scopes. */
    static SmartProperties clientSettings(Path privateKey, Path previous, String keyId, String scopes) {
        return new SmartProperties("bridge-client", privateKey, previous, keyId, scopes, null, Duration.ofSeconds(60));
    }

    static void smartConfiguration(WireMockExtension wm, String methods, String algorithms) {
        wm.stubFor(get(FHIR + "/.well-known/smart-configuration")
                .willReturn(okJson("""
                {"token_endpoint": "%s",
                 "token_endpoint_auth_methods_supported": [%s],
                 "token_endpoint_auth_signing_alg_values_supported": [%s],
                 "grant_types_supported": ["client_credentials"],
                 "capabilities": ["client-confidential-asymmetric", "permission-v2"]}
                """.formatted(wm.baseUrl() + TOKEN, methods, algorithms))));
    }

    static void standardConfiguration(WireMockExtension wm) {
        smartConfiguration(wm, "\"private_key_jwt\", \"client_secret_basic\"", "\"RS384\", \"ES384\"");
    }

    static void tokenAnswers(WireMockExtension wm, String json) {
        wm.stubFor(post(TOKEN).willReturn(okJson(json).withHeader("Cache-Control", "no-store")));
    }

    static void tokenRefuses(WireMockExtension wm, int status, String error, String description) {
        wm.stubFor(post(TOKEN)
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}")));
    }

    static List<LoggedRequest> tokenRequests(WireMockExtension wm) {
        return wm.findAll(postRequestedFor(urlEqualTo(TOKEN)));
    }

    static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }
}
