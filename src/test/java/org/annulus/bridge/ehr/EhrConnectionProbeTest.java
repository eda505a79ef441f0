package org.annulus.bridge.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health's EHR probe is cached for {@code bridge.ehr.probe-interval} (30 s): however often and
 * however concurrently health is called, at most one probe, and so at most one token request, per
 * interval, even while the token endpoint keeps refusing (no token held). Time moves by the test clock.
 */
class EhrConnectionProbeTest {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @TempDir
    Path keys;

    @Test
    void healthCallsMakeAtMostOneTokenRequestPerProbeInterval() throws Exception {
        wm.stubFor(get("/fhir/.well-known/smart-configuration").willReturn(okJson("""
                {"token_endpoint": "%s/auth/token",
                 "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                 "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"]}
                """.formatted(wm.baseUrl()))));
        wm.stubFor(get("/fhir/metadata").willReturn(aResponse().withStatus(200)));
        wm.stubFor(post("/auth/token")
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"invalid_client\"}")));
        try (EhrUnderTest bridge = EhrUnderTest.against(wm.baseUrl() + "/fhir", keys)) {
            EhrConnection connection = bridge.connection();

            EhrConnection.Report first = connection.probe();
            for (int i = 0; i < 20; i++) {
                assertThat(connection.probe()).isSameAs(first);
            }
            concurrently(16, connection::probe);
            assertThat(tokenRequests()).isEqualTo(1);
            assertThat(first.smart().token().ok()).isFalse();

            bridge.clock.advance(Duration.ofSeconds(29));
            connection.probe();
            assertThat(tokenRequests()).as("still within the interval").isEqualTo(1);

            bridge.clock.advance(Duration.ofSeconds(2));
            concurrently(16, connection::probe);
            assertThat(tokenRequests()).as("one probe for the next interval").isEqualTo(2);

            connection.check();
            assertThat(tokenRequests())
                    .as("--check-connection always checks now")
                    .isEqualTo(3);
        }
    }

    private static int tokenRequests() {
        return wm.countRequestsMatching(
                        postRequestedFor(urlPathEqualTo("/auth/token")).build())
                .getCount();
    }

    private static void concurrently(int callers, Callable<?> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                done.add(pool.submit(call));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
