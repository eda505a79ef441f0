package org.annulus.bridge.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.annulus.bridge.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The default run: the bridge signs with its temporary key, publishes it at /.well-known/jwks.json,
 * and the sandbox admits it through discovery and the token endpoint; health shows all three steps.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "bridge.sandbox.data-dir=${java.io.tmpdir}/sbx-${random.uuid}",
            "spring.datasource.url=jdbc:h2:mem:sbx;DB_CLOSE_DELAY=-1"
        })
class SmartEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    SmartAuthorization smart;

    @Test
    void jwksPublishesThePublicKeyOnly() throws Exception {
        HttpResponse<String> response = get("/.well-known/jwks.json");

        assertThat(response.statusCode()).isEqualTo(200);
        JWKSet published = JWKSet.parse(response.body());
        assertThat(published.getKeys()).singleElement().satisfies(key -> {
            assertThat(key.isPrivate()).isFalse();
            assertThat(key.getAlgorithm().getName()).isEqualTo("ES384");
            assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
        });
        assertThat(response.body()).doesNotContain("\"d\"");
    }

    @Test
    void healthShowsReachabilityDiscoveryAndTokenButNeverTheToken() throws Exception {
        JsonNode ehr = JSON.readTree(
                        get("/actuator/health", TestTokens.OPERATOR).body())
                .path("components")
                .path("ehr");

        assertThat(ehr.path("status").asText()).isEqualTo("UP");
        assertThat(ehr.path("details").path("reachability").path("ok").asBoolean())
                .isTrue();
        assertThat(ehr.path("details").path("discovery").path("detail").asText())
                .contains("/sandbox/auth/token")
                .contains("smart-configuration");
        assertThat(ehr.path("details").path("token").path("detail").asText())
                .contains("annulus-bridge-sandbox")
                .contains("valid until");
        assertThat(ehr.toString()).doesNotContain("access_token");
    }

    @Test
    void theSandboxIssuesDevelopmentTokensWhoseRolesTheBridgeEnforces() throws Exception {
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> json = post(
                "/sandbox/auth/token",
                "grant_type=client_credentials&client_id=demo-clinic&client_secret=demo-clinic-secret",
                "application/json");
        HttpResponse<String> wrongSecret = post(
                "/sandbox/auth/token",
                "grant_type=client_credentials&client_id=demo-operator&client_secret=demo-clinic-secret",
                "application/json");
        String clinic = TestTokens.sandboxToken(base, TestTokens.CLINIC);

        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(json.body()).path("scope").asText()).isEqualTo("bridge.ingest");
        assertThat(JSON.readTree(json.body()).path("token_type").asText()).isEqualTo("Bearer");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrongSecret.body()).path("error").asText()).isEqualTo("invalid_client");
        assertThat(clinic).doesNotContain("\n").startsWith("eyJ");
        assertThat(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(base + "/api/v1/documents/replay?state=DEAD"))
                                        .header("Authorization", "Bearer " + clinic)
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("an ingest token cannot replay")
                .isEqualTo(403);
        assertThat(get("/actuator/health").statusCode())
                .as("health needs a token")
                .isEqualTo(401);
    }

    @Test
    void healthSaysLoudlyThatThisIsASandbox() throws Exception {
        JsonNode sandbox = JSON.readTree(
                        get("/actuator/health", TestTokens.OPERATOR).body())
                .path("components")
                .path("sandbox");

        assertThat(sandbox.path("details").path("warning").asText())
                .startsWith("SANDBOX EHR")
                .contains("not for clinical use");
        assertThat(JSON.readTree(get("/actuator/health", TestTokens.AUDITOR).body())
                        .has("components"))
                .as("details for operators only")
                .isFalse();
    }

    @Test
    void sandboxDiscoveryDocumentIsServedBesideTheFhirEndpoint() throws Exception {
        JsonNode config = JSON.readTree(
                get("/sandbox/fhir/.well-known/smart-configuration").body());

        assertThat(config.path("token_endpoint").asText())
                .isEqualTo("http://127.0.0.1:" + port + "/sandbox/auth/token");
        assertThat(config.path("token_endpoint_auth_methods_supported").toString())
                .contains("private_key_jwt");
    }

    @Test
    void aRealEhrNeedsAClientIdAndAConfiguredKey() {
        SmartAuthorization unconfigured = new SmartAuthorization(
                new SmartProperties("", null, null, "", "system/Patient.rs", null, Duration.ofSeconds(60)),
                Clock.systemUTC());
        SmartAuthorization keyless = new SmartAuthorization(
                new SmartProperties("bridge", null, null, "", "system/Patient.rs", null, Duration.ofSeconds(60)),
                Clock.systemUTC());
        SmartTarget hospital =
                new SmartTarget("https://ehr.example.org/fhir", false, Duration.ofSeconds(1), Duration.ofSeconds(1));

        assertThatThrownBy(() -> unconfigured.connect(hospital)).hasMessageContaining("bridge.ehr.client-id");
        assertThatThrownBy(() -> keyless.connect(hospital)).hasMessageContaining("bridge.ehr.private-key");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form, String accept) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header("Accept", accept)
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** With a development token of that sandbox client. */
    private HttpResponse<String> get(String path, String clientId) throws Exception {
        String base = "http://127.0.0.1:" + port;
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + TestTokens.sandboxToken(base, clientId))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
