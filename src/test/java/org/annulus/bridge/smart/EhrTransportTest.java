package org.annulus.bridge.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** https for everything off this machine, failing start-up with the property to fix. */
class EhrTransportTest {

    @Test
    void aRealEhrOverPlainHttpFailsNamingTheBaseUrlProperty() {
        SmartAuthorization smart = new SmartAuthorization(
                new SmartProperties("bridge", null, null, "", "system/Patient.rs", null, Duration.ofSeconds(60)),
                Clock.systemUTC());

        assertThatThrownBy(() -> smart.connect(new SmartTarget(
                        "http://ehr.example.org/fhir", false, Duration.ofSeconds(1), Duration.ofSeconds(1))))
                .hasMessageContaining("bridge.ehr.base-url")
                .hasMessageContaining("https");
    }

    @Test
    void aTokenUrlOverPlainHttpFailsNamingItsProperty() {
        SmartProperties plainTokenUrl = new SmartProperties(
                "bridge",
                null,
                null,
                "",
                "system/Patient.rs",
                URI.create("http://auth.example.org/oauth2/token"),
                Duration.ofSeconds(60));

        assertThatThrownBy(() -> new SmartAuthorization(plainTokenUrl, Clock.systemUTC()))
                .hasMessageContaining("bridge.ehr.token-url")
                .hasMessageContaining("https");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://ehr.example.org/fhir",
                "http://localhost:8080/fhir",
                "http://127.0.0.1/fhir",
                "http://127.10.0.3:9/fhir",
                "http://[::1]:8080/fhir",
                "HTTPS://EHR.example.org/r4"
            })
    void httpsOrLoopbackIsAccepted(String url) {
        assertThatCode(() -> EhrTransport.requireHttps("bridge.ehr.base-url", url))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://ehr.example.org/fhir",
                "http://127.example.org/fhir",
                "http://10.0.0.7/fhir",
                "ftp://ehr.example.org/fhir",
                "//ehr.example.org/fhir"
            })
    void anythingElseIsRefused(String url) {
        assertThatThrownBy(() -> EhrTransport.requireHttps("bridge.ehr.base-url", url))
                .hasMessageContaining("bridge.ehr.base-url");
    }

    @Test
    void aDiscoveredTokenEndpointMustBeOnTheFhirHostOrListed() {
        URI fhir = URI.create("https://ehr.example.org/fhir");
        EhrTransport plain = new EhrTransport(EhrTransportProperties.defaults());
        EhrTransport listing =
                new EhrTransport(new EhrTransportProperties(null, "", "PKCS12", List.of("login.example.org")));

        assertThatCode(() -> plain.requireAllowedTokenEndpoint(fhir, URI.create("https://ehr.example.org/oauth/token")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> plain.requireAllowedTokenEndpoint(fhir, URI.create("https://login.example.org/token")))
                .isInstanceOfSatisfying(SmartException.class, e -> assertThat(e.problem())
                        .isEqualTo(SmartProblem.TOKEN_ENDPOINT_NOT_ALLOWED))
                .hasMessageContaining("bridge.ehr.transport.token-hosts");
        assertThatCode(() -> listing.requireAllowedTokenEndpoint(fhir, URI.create("https://login.example.org/token")))
                .doesNotThrowAnyException();
        assertThatThrownBy(
                        () -> listing.requireAllowedTokenEndpoint(fhir, URI.create("http://login.example.org/token")))
                .hasMessageContaining("https");
    }
}
