package org.annulus.bridge.smart;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.annulus.bridge.smart.SmartServerStubs.FHIR;
import static org.annulus.bridge.smart.SmartServerStubs.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Discovery, the token request, the cache and every error, against WireMock as the EHR. */
class SmartSessionTest {

    static final List<String> SCOPES = List.of("system/Patient.rs", "system/Condition.cru");
    static final String TOKEN_OK = """
            {"access_token": "tok-1", "token_type": "bearer", "expires_in": 300,
             "scope": "system/Patient.rs system/Condition.cru"}""";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @TempDir
    Path dir;

    final TestClock clock = new TestClock(Instant.now());

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "EC"})
    void tokenRequestIsASignedClientAssertionAsTheSpecSays(String keyType) throws Exception {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenAnswers(wm, TOKEN_OK);
        SigningKeys keys = keys(keyType);

        String token = session(keys, null).bearerToken();

        assertThat(token).isEqualTo("tok-1");
        Map<String, String> form =
                SmartServerStubs.form(SmartServerStubs.tokenRequests(wm).get(0));
        assertThat(SmartServerStubs.tokenRequests(wm).get(0).getHeader("Content-Type"))
                .startsWith("application/x-www-form-urlencoded");
        assertThat(form)
                .containsEntry("grant_type", "client_credentials")
                .containsEntry("scope", "system/Patient.rs system/Condition.cru")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
        JWK published = keys.published().getKeyByKeyId(assertion.getHeader().getKeyID());
        assertThat(published).as("kid names a published key").isNotNull();
        assertThat(assertion.getHeader().getAlgorithm())
                .isEqualTo(keyType.equals("RSA") ? JWSAlgorithm.RS384 : JWSAlgorithm.ES384);
        assertThat(assertion.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(assertion.getHeader().getKeyID())
                .isEqualTo(published.computeThumbprint().toString());
        assertThat(assertion.verify(new DefaultJWSVerifierFactory()
                        .createJWSVerifier(assertion.getHeader(), ((AsymmetricJWK) published).toPublicKey())))
                .isTrue();
        JWTClaimsSet claims = assertion.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("bridge-client");
        assertThat(claims.getSubject()).isEqualTo("bridge-client");
        assertThat(claims.getAudience()).containsExactly(wm.baseUrl() + TOKEN);
        assertThat(claims.getExpirationTime().toInstant())
                .isAfter(clock.instant())
                .isBeforeOrEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(claims.getJWTID()).isNotBlank();
    }

    @Test
    void everyAssertionHasItsOwnJti() throws Exception {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenAnswers(wm, TOKEN_OK);
        SmartSession session = session(keys("EC"), null);
        Set<String> jtis = new HashSet<>();

        for (int i = 0; i < 3; i++) {
            session.refused(session.bearerToken());
        }

        for (var request : SmartServerStubs.tokenRequests(wm)) {
            jtis.add(SignedJWT.parse(SmartServerStubs.form(request).get("client_assertion"))
                    .getJWTClaimsSet()
                    .getJWTID());
        }
        assertThat(jtis).hasSize(3);
    }

    @Test
    void discoveryFallsBackToTheCapabilityStatementsOauthUris() {
        wm.stubFor(get(FHIR + "/.well-known/smart-configuration").willReturn(notFound()));
        wm.stubFor(get(FHIR + "/metadata").willReturn(okJson("""
                {"resourceType": "CapabilityStatement", "rest": [{"mode": "server", "security": {"extension": [
                  {"url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                   "extension": [{"url": "token", "valueUri": "%s"}]}]}}]}""".formatted(wm.baseUrl() + TOKEN))));
        SmartServerStubs.tokenAnswers(wm, TOKEN_OK);

        SmartStatus status = session(keys("RSA"), null).status();

        assertThat(status.ok()).isTrue();
        assertThat(status.discovery().detail()).contains(wm.baseUrl() + TOKEN).contains("CapabilityStatement");
    }

    @Test
    void noDiscoverableTokenEndpointIsReportedWithWhatToSet() {
        wm.stubFor(get(FHIR + "/.well-known/smart-configuration").willReturn(notFound()));
        wm.stubFor(get(FHIR + "/metadata").willReturn(okJson("{\"resourceType\": \"CapabilityStatement\"}")));

        SmartStatus status = session(keys("RSA"), null).status();

        assertThat(status.discovery().problem()).isEqualTo(SmartProblem.DISCOVERY_FAILED);
        assertThat(status.discovery().hint()).contains("bridge.ehr.token-url");
    }

    @Test
    void serverWithoutPrivateKeyJwtIsRefusedBeforeAnyTokenRequest() {
        SmartServerStubs.smartConfiguration(wm, "\"client_secret_basic\"", "\"RS384\"");

        SmartStatus status = session(keys("RSA"), null).status();

        assertThat(status.ok()).isFalse();
        assertThat(status.discovery().problem()).isEqualTo(SmartProblem.UNSUPPORTED_AUTH_METHOD);
        assertThat(status.discovery().detail()).contains("client_secret_basic");
        assertThat(SmartServerStubs.tokenRequests(wm)).isEmpty();
    }

    @Test
    void serverWithoutOurAlgorithmIsRefused() {
        SmartServerStubs.smartConfiguration(wm, "\"private_key_jwt\"", "\"RS384\"");

        SmartStatus status = session(keys("EC"), null).status();

        assertThat(status.discovery().problem()).isEqualTo(SmartProblem.UNSUPPORTED_ALGORITHM);
        assertThat(status.discovery().detail()).contains("ES384");
    }

    @Test
    void aDiscoveredTokenEndpointOnAnotherHostGetsNoAssertion() {
        // localhost (the FHIR base) and 127.0.0.1 are different hosts by name, though both reach WireMock.
        wm.stubFor(
                get(FHIR + "/.well-known/smart-configuration").willReturn(okJson("""
                {"token_endpoint": "http://127.0.0.1:%d%s", "token_endpoint_auth_methods_supported": ["private_key_jwt"]}
                """.formatted(wm.getPort(), TOKEN))));
        SmartServerStubs.tokenAnswers(wm, TOKEN_OK);

        SmartStatus refused = session(keys("RSA"), null, new EhrTransport(EhrTransportProperties.defaults()))
                .status();
        SmartStatus listed = session(
                        keys("RSA"),
                        null,
                        new EhrTransport(
                                new EhrTransportProperties(null, "", "PKCS12", java.util.List.of("127.0.0.1"))))
                .status();

        assertThat(refused.discovery().problem()).isEqualTo(SmartProblem.TOKEN_ENDPOINT_NOT_ALLOWED);
        assertThat(refused.discovery().hint()).contains("bridge.ehr.token-url", "bridge.ehr.transport.token-hosts");
        assertThat(listed.ok()).isTrue();
        assertThat(SmartServerStubs.tokenRequests(wm))
                .as("only the listed session asked for a token")
                .hasSize(1);
    }

    @Test
    void configuredTokenUrlSkipsDiscovery() {
        SmartServerStubs.tokenAnswers(wm, TOKEN_OK);

        String token = session(keys("EC"), URI.create(wm.baseUrl() + TOKEN)).bearerToken();

        assertThat(token).isEqualTo("tok-1");
        assertThat(wm.getAllServeEvents()).hasSize(1);
    }

    @Test
    void tokenIsReusedAndRenewedShortlyBeforeItExpires() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenAnswers(wm, TOKEN_OK);
        SmartSession session = session(keys("EC"), null);

        session.bearerToken();
        clock.advance(Duration.ofSeconds(230));
        session.bearerToken();
        assertThat(SmartServerStubs.tokenRequests(wm)).hasSize(1);

        clock.advance(Duration.ofSeconds(15)); // 245 s of 300: inside the 60 s renewal margin
        session.bearerToken();
        assertThat(SmartServerStubs.tokenRequests(wm)).hasSize(2);
    }

    @Test
    void responseWithoutExpiresInAndScopeIsAccepted() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenAnswers(wm, "{\"access_token\": \"tok-bare\", \"token_type\": \"Bearer\"}");
        SmartSession session = session(keys("EC"), null);

        SmartStatus status = session.status();

        assertThat(status.ok()).isTrue();
        assertThat(status.token().detail()).contains("system/Patient.rs system/Condition.cru");
        clock.advance(Duration.ofMinutes(3));
        assertThat(session.bearerToken()).isEqualTo("tok-bare");
        clock.advance(Duration.ofMinutes(2)); // the assumed five minutes are over
        session.bearerToken();
        assertThat(SmartServerStubs.tokenRequests(wm)).hasSize(2);
    }

    @Test
    void concurrentWorkersCauseOneTokenRequest() throws Exception {
        SmartServerStubs.standardConfiguration(wm);
        wm.stubFor(post(TOKEN).willReturn(okJson(TOKEN_OK).withFixedDelay(300)));
        SmartSession session = session(keys("EC"), null);
        int workers = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<String>> tokens = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                tokens.add(pool.submit(() -> {
                    start.await();
                    return session.bearerToken();
                }));
            }
            start.countDown();
            for (Future<String> token : tokens) {
                assertThat(token.get()).isEqualTo("tok-1");
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(SmartServerStubs.tokenRequests(wm)).hasSize(1);
    }

    @Test
    void invalidClientSaysToCheckClientIdAndRegisteredKey() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenRefuses(wm, 401, "invalid_client", "Invalid client credentials");

        assertFailure(SmartProblem.INVALID_CLIENT, "bridge.ehr.client-id", "invalid_client");
    }

    @Test
    void invalidScopeSaysToCompareTheScopes() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenRefuses(wm, 400, "invalid_scope", "system/Condition.cru not allowed");

        assertFailure(SmartProblem.INVALID_SCOPE, "bridge.ehr.scopes", "invalid_scope");
    }

    @Test
    void unauthorizedClientIsNamed() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenRefuses(wm, 400, "unauthorized_client", "grant not allowed");

        assertFailure(SmartProblem.UNAUTHORIZED_CLIENT, "client credentials", "unauthorized_client");
    }

    @Test
    void unreachableTokenEndpointSaysToCheckTheNetwork() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SmartSession session = session(keys("EC"), URI.create("http://127.0.0.1:" + closedPort + "/token"));

        SmartStatus status = session.status();

        assertThat(status.token().problem()).isEqualTo(SmartProblem.TOKEN_ENDPOINT_UNREACHABLE);
        assertThat(status.token().hint()).contains("network");
        assertThatThrownBy(session::bearerToken)
                .isInstanceOfSatisfying(SmartException.class, e -> assertThat(e.problem())
                        .isEqualTo(SmartProblem.TOKEN_ENDPOINT_UNREACHABLE));
    }

    @Test
    void refusalFromAServerWhoseClockIsFarOffIsReportedAsClockSkew() {
        SmartServerStubs.standardConfiguration(wm);
        String tenMinutesAhead = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                clock.instant().plus(Duration.ofMinutes(10)).atOffset(ZoneOffset.UTC));
        wm.stubFor(post(TOKEN)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Date", tenMinutesAhead)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_client\"}")));

        assertFailure(SmartProblem.CLOCK_SKEW, "NTP", "the server's clock differs from ours");
    }

    @Test
    void expiredAssertionRefusalIsReportedAsClockSkew() {
        SmartServerStubs.standardConfiguration(wm);
        // Keycloak's words for an assertion outside its validity window.
        SmartServerStubs.tokenRefuses(
                wm, 400, "invalid_client", "Client authentication with signed JWT failed: Token is not active");

        assertFailure(SmartProblem.CLOCK_SKEW, "NTP", "Token is not active");
    }

    @Test
    void tokenWithFewerScopesThanRequestedIsReported() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenAnswers(wm, """
                {"access_token": "tok-1", "token_type": "bearer", "expires_in": 300, "scope": "system/Patient.rs"}""");

        SmartStatus status = session(keys("EC"), null).status();

        assertThat(status.ok()).isFalse();
        assertThat(status.token().problem()).isEqualTo(SmartProblem.INSUFFICIENT_SCOPE);
        assertThat(status.token().detail()).contains("system/Condition.cru").doesNotContain("tok-1");
    }

    @Test
    void v1GrantCoversV2Request() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenAnswers(wm, """
                {"access_token": "tok-1", "token_type": "bearer", "expires_in": 300,
                 "scope": "system/Patient.read system/Condition.*"}""");

        assertThat(session(keys("EC"), null).status().ok()).isTrue();
    }

    @Test
    void statusNeverShowsTheToken() {
        SmartServerStubs.standardConfiguration(wm);
        SmartServerStubs.tokenAnswers(wm, TOKEN_OK);

        SmartStatus status = session(keys("EC"), null).status();

        assertThat(status.ok()).isTrue();
        assertThat(status.toString()).doesNotContain("tok-1");
    }

    private void assertFailure(SmartProblem problem, String hintPart, String detailPart) {
        SmartSession session = session(keys("EC"), null);

        SmartStatus status = session.status();

        assertThat(status.discovery().ok()).isTrue();
        assertThat(status.token().problem()).isEqualTo(problem);
        assertThat(status.token().hint()).contains(hintPart);
        assertThat(status.token().detail()).contains(detailPart);
        assertThatThrownBy(session::bearerToken).isInstanceOfSatisfying(SmartException.class, e -> {
            assertThat(e.problem()).isEqualTo(problem);
            assertThat(e.getMessage()).contains(hintPart);
        });
    }

    private SigningKeys keys(String type) {
        Path pem = TestKeys.pem(dir, type + ".pem", type.equals("RSA") ? TestKeys.rsa() : TestKeys.ecP384());
        return SigningKeys.from(SmartServerStubs.clientSettings(pem, null, "", String.join(" ", SCOPES)));
    }

    private SmartSession session(SigningKeys keys, URI tokenUrl, EhrTransport transport) {
        return new SmartSession(
                new SmartTarget(
                        "http://localhost:" + wm.getPort() + FHIR, false, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                "bridge-client",
                SCOPES,
                keys,
                tokenUrl,
                clock,
                Duration.ofSeconds(60),
                transport);
    }

    private SmartSession session(SigningKeys keys, URI tokenUrl) {
        return session(keys, tokenUrl, new EhrTransport(EhrTransportProperties.defaults()));
    }
}
