package org.annulus.bridge.smart;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.annulus.bridge.smart.SmartServerStubs.FHIR;
import static org.annulus.bridge.smart.SmartServerStubs.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.TestKeys;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The HAPI client carries the token, and a 401 from the FHIR server costs one new token and one retry. */
class BearerTokenInterceptorTest {

    static final FhirContext FHIR_CONTEXT = FhirContext.forR4Cached();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @TempDir
    Path dir;

    IGenericClient client;

    @BeforeEach
    void client() {
        SmartServerStubs.standardConfiguration(wm);
        // The token endpoint hands out tok-1, then tok-2.
        wm.stubFor(post(TOKEN)
                .inScenario("tokens")
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("second")
                .willReturn(okJson("{\"access_token\":\"tok-1\",\"token_type\":\"bearer\",\"expires_in\":300}")));
        wm.stubFor(post(TOKEN)
                .inScenario("tokens")
                .whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"tok-2\",\"token_type\":\"bearer\",\"expires_in\":300}")));
        SigningKeys keys = SigningKeys.from(SmartServerStubs.clientSettings(
                TestKeys.pem(dir, "k.pem", TestKeys.ecP384()), null, "", "system/Patient.rs"));
        SmartSession session = new SmartSession(
                new SmartTarget(wm.baseUrl() + FHIR, false, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                "bridge-client",
                List.of("system/Patient.rs"),
                keys,
                null,
                new TestClock(Instant.now()),
                Duration.ofSeconds(60),
                new EhrTransport(EhrTransportProperties.defaults()));
        FHIR_CONTEXT.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = FHIR_CONTEXT.newRestfulGenericClient(wm.baseUrl() + FHIR);
        client.registerInterceptor(new BearerTokenInterceptor(session));
    }

    @Test
    void everyRequestCarriesTheBearerToken() {
        wm.stubFor(get(FHIR + "/Patient/p1")
                .withHeader("Authorization", equalTo("Bearer tok-1"))
                .willReturn(fhirJson(200, "{\"resourceType\":\"Patient\",\"id\":\"p1\"}")));

        client.read().resource(Patient.class).withId("p1").execute();
        client.read().resource(Patient.class).withId("p1").execute();

        wm.verify(
                2,
                getRequestedFor(urlEqualTo(FHIR + "/Patient/p1")).withHeader("Authorization", equalTo("Bearer tok-1")));
        assertThat(SmartServerStubs.tokenRequests(wm)).hasSize(1);
    }

    @Test
    void refusedTokenIsRenewedOnceAndTheRequestRetried() {
        wm.stubFor(post(FHIR + "/Patient")
                .withHeader("Authorization", equalTo("Bearer tok-1"))
                .willReturn(
                        aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
        wm.stubFor(post(FHIR + "/Patient")
                .withHeader("Authorization", equalTo("Bearer tok-2"))
                .willReturn(fhirJson(201, "{\"resourceType\":\"Patient\",\"id\":\"p9\",\"meta\":{\"versionId\":\"1\"}}")
                        .withHeader("Location", wm.baseUrl() + FHIR + "/Patient/p9/_history/1")));

        var outcome = client.create().resource(new Patient().setActive(true)).execute();

        assertThat(outcome.getId().getIdPart()).isEqualTo("p9");
        assertThat(SmartServerStubs.tokenRequests(wm)).hasSize(2);
        var sent = wm.findAll(postRequestedFor(urlEqualTo(FHIR + "/Patient")));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).getBodyAsString())
                .as("the retry sends the same body")
                .contains("\"active\":true");
    }

    @Test
    void secondRefusalGoesBackToTheCaller() {
        wm.stubFor(get(FHIR + "/Patient/p1").willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(
                        () -> client.read().resource(Patient.class).withId("p1").execute())
                .isInstanceOf(AuthenticationException.class);
        wm.verify(2, getRequestedFor(urlEqualTo(FHIR + "/Patient/p1")));
        assertThat(SmartServerStubs.tokenRequests(wm)).hasSize(2);
    }

    @Test
    void noTokenMeansNoFhirRequestAndAnExplainedFailure() {
        SmartServerStubs.tokenRefuses(wm, 401, "invalid_client", "unknown client");

        assertThatThrownBy(
                        () -> client.read().resource(Patient.class).withId("p1").execute())
                .isInstanceOfSatisfying(
                        SmartException.class, e -> assertThat(e.problem()).isEqualTo(SmartProblem.INVALID_CLIENT));
        wm.verify(0, getRequestedFor(urlEqualTo(FHIR + "/Patient/p1")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder fhirJson(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/fhir+json")
                .withBody(body);
    }
}
