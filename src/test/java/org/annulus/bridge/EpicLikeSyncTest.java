package org.annulus.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.matching.RequestPattern;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.annulus.jpaserver.JpaFhirServerProcess.Mode;
import org.hl7.fhir.r4.model.DocumentReference;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code bridge.ehr.profile=epic} against the JPA server in its epic-like mode, through a WireMock proxy
 * that forwards the first Condition create and loses its answer (503 after the write landed): the
 * resend must find the Condition (by patient, as the EHR has no identifier search) instead of creating
 * it again, which the contract's no-duplicate check proves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EpicLikeSyncTest extends RestrictedEhrSyncContract {

    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-epic-sync-");
    /** Launched when the class loads, so its start-up overlaps the bridge's. */
    static final JpaFhirServerProcess EHR = RestrictedEhrFixtures.launch(Mode.EPIC_LIKE);

    static final WireMockServer TOKEN_ENDPOINT = tokenEndpoint();
    static final TestTokens ISSUER = TestTokens.servedBy(TOKEN_ENDPOINT);
    static final WireMockServer LOSSY = lossyProxy(EHR);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        bridgeAgainst(registry, EHR, "epic", WORK, TOKEN_ENDPOINT, ISSUER);
        registry.add("bridge.ehr.base-url", () -> LOSSY.baseUrl() + "/fhir");
    }

    @AfterAll
    static void stop() {
        EHR.close();
        TOKEN_ENDPOINT.stop();
        LOSSY.stop();
    }

    @Override
    void checkSpecifics(List<DocumentReference> notes, String patientId) {
        assertThat(LOSSY.countRequestsMatching(RequestPattern.everything()).getCount())
                .isPositive();
        assertThat(LOSSY.getAllServeEvents())
                .as("the first Condition create landed and its answer was lost")
                .anySatisfy(e -> assertThat(e.getResponse().getStatus()).isEqualTo(503));
        assertThat(EHR.all("Condition"))
                .as("Epic's Condition.Create takes verificationStatus provisional only (profile data)")
                .isNotEmpty()
                .allSatisfy(c -> assertThat(((org.hl7.fhir.r4.model.Condition) c)
                                .getVerificationStatus()
                                .getCodingFirstRep()
                                .getCode())
                        .isEqualTo("provisional"));
        assertThat(notes)
                .as("Epic files what a system writes as a draft for a clinician to sign (profile: notes.status)")
                .allSatisfy(n -> assertThat(n.getDocStatus())
                        .isIn(
                                DocumentReference.ReferredDocumentStatus.PRELIMINARY,
                                DocumentReference.ReferredDocumentStatus.ENTEREDINERROR,
                                DocumentReference.ReferredDocumentStatus.AMENDED));
    }

    /** Everything forwarded to the JPA server; the first Condition create's answer replaced by a 503. */
    static WireMockServer lossyProxy(JpaFhirServerProcess ehr) {
        WireMockServer proxy = new WireMockServer(
                options().bindAddress("127.0.0.1").dynamicPort().extensions(new LostAnswer()));
        proxy.start();
        String origin = ehr.baseUrl().replaceAll("/fhir/?$", "");
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(origin)));
        proxy.stubFor(post(urlPathEqualTo("/fhir/Condition"))
                .atPriority(1)
                .inScenario("lost answer")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("lost once")
                .willReturn(aResponse().proxiedFrom(origin).withTransformers(LostAnswer.NAME)));
        return proxy;
    }

    /** The write went through; the answer did not. */
    static final class LostAnswer implements ResponseTransformerV2 {
        static final String NAME = "lost-answer";

        @Override
        public Response transform(Response response, ServeEvent serveEvent) {
            return Response.Builder.like(response)
                    .but()
                    .status(503)
                    .headers(new HttpHeaders())
                    .body("")
                    .build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }

    @Override
    JpaFhirServerProcess ehr() {
        return EHR;
    }

    @Override
    TestTokens issuer() {
        return ISSUER;
    }

    @Override
    Set<String> structured() {
        return Set.of("Condition", "Observation");
    }
}
