package org.annulus.bridge.ehr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.annulus.bridge.smart.EhrTransport;
import org.annulus.bridge.smart.EhrTransportProperties;
import org.annulus.bridge.tls.TestCertificates;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP client under the FHIR client: trusts the configured trust store (certificates made at test
 * time), and never carries the bearer token along a redirect to another host.
 */
class EhrHttpClientTest {

    static final FhirContext FHIR = FhirContext.forR4();
    static final Path DIR = tempDir();
    static final TestCertificates CERTS = new TestCertificates(DIR);
    static final Path SERVER = CERTS.keyStore("ehr-server");
    static final Path TRUST = CERTS.trustStore("ehr-trust", SERVER);
    static final String PATIENT = "{\"resourceType\":\"Patient\",\"id\":\"%s\"}";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig()
                    .dynamicPort()
                    .dynamicHttpsPort()
                    .keystorePath(SERVER.toString())
                    .keystoreType("PKCS12")
                    .keystorePassword(TestCertificates.PASSWORD)
                    .keyManagerPassword(TestCertificates.PASSWORD))
            .build();

    @Test
    void anEhrCertificateFromTheConfiguredTrustStoreIsTrusted() {
        wm.stubFor(get("/fhir/Patient/p1").willReturn(okJson(PATIENT.formatted("p1"))));
        EhrTransport trusting =
                new EhrTransport(new EhrTransportProperties(TRUST, TestCertificates.PASSWORD, "PKCS12", List.of()));

        Patient patient = client(trusting, "https://localhost:" + wm.getHttpsPort() + "/fhir")
                .read()
                .resource(Patient.class)
                .withId("p1")
                .execute();

        assertThat(patient.getIdElement().getIdPart()).isEqualTo("p1");
    }

    @Test
    void withoutTheTrustStoreTheSameCertificateIsRefused() {
        wm.stubFor(get("/fhir/Patient/p1").willReturn(okJson(PATIENT.formatted("p1"))));
        EhrTransport jvmTrust = new EhrTransport(EhrTransportProperties.defaults());

        assertThatThrownBy(() -> client(jvmTrust, "https://localhost:" + wm.getHttpsPort() + "/fhir")
                        .read()
                        .resource(Patient.class)
                        .withId("p1")
                        .execute())
                .satisfies(e -> assertThat(ExceptionUtils.indexOfThrowable(e, SSLHandshakeException.class))
                        .isNotNegative());
        assertThat(wm.findAll(anyRequestedFor(urlPathMatching("/fhir/.*")))).isEmpty();
    }

    @Test
    void aRedirectToAnotherHostIsNotFollowedAndTheTokenStaysHome() {
        // localhost and 127.0.0.1 are different hosts to a client, though both reach this WireMock.
        wm.stubFor(get("/fhir/Patient/p2")
                .willReturn(aResponse()
                        .withStatus(302)
                        .withHeader("Location", "http://127.0.0.1:" + wm.getPort() + "/elsewhere/Patient/p2")));
        wm.stubFor(get("/elsewhere/Patient/p2").willReturn(okJson(PATIENT.formatted("p2"))));

        assertThatThrownBy(() -> client(new EhrTransport(EhrTransportProperties.defaults()), http() + "/fhir")
                .read()
                .resource(Patient.class)
                .withId("p2")
                .execute());

        assertThat(wm.findAll(getRequestedFor(urlEqualTo("/elsewhere/Patient/p2"))))
                .isEmpty();
    }

    @Test
    void aRedirectOnTheSameHostIsFollowed() {
        wm.stubFor(get("/fhir/Patient/p3")
                .willReturn(aResponse().withStatus(302).withHeader("Location", http() + "/fhir/Patient/p3-moved")));
        wm.stubFor(get("/fhir/Patient/p3-moved").willReturn(okJson(PATIENT.formatted("p3-moved"))));

        Patient patient = client(new EhrTransport(EhrTransportProperties.defaults()), http() + "/fhir")
                .read()
                .resource(Patient.class)
                .withId("p3")
                .execute();

        assertThat(patient.getIdElement().getIdPart()).isEqualTo("p3-moved");
        assertThat(wm.findAll(getRequestedFor(urlEqualTo("/fhir/Patient/p3-moved")))
                        .get(0)
                        .getHeader("Authorization"))
                .isEqualTo("Bearer secret-token");
    }

    static IGenericClient client(EhrTransport transport, String base) {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        FHIR.getRestfulClientFactory()
                .setHttpClient(
                        EhrHttpClient.create(transport.sslContext(), Duration.ofSeconds(2), Duration.ofSeconds(5)));
        IGenericClient client = FHIR.newRestfulGenericClient(base);
        client.registerInterceptor(new BearerTokenAuthInterceptor("secret-token"));
        return client;
    }

    /** WireMock's plain-http base (its baseUrl() is the https one here). */
    static String http() {
        return "http://localhost:" + wm.getPort();
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("bridge-ehr-tls-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
