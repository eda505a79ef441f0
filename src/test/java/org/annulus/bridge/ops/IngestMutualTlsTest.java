package org.annulus.bridge.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.annulus.bridge.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServer;

/**
 * Mutual TLS for ingest exactly as the README configures it (Spring Boot's {@code server.ssl.*}, bound
 * from the documented keys), with certificates made at test time: a clinic with a certificate the bridge
 * trusts gets through, one without a certificate or with an untrusted one does not even complete TLS.
 * An embedded Tomcat with one servlet, not the whole bridge: the property set is what is under test.
 */
class IngestMutualTlsTest {

    @TempDir
    static Path dir;

    static TestCertificates certs;
    static Path clinic;
    static Path stranger;
    static Path bridgeTrust;
    static Path clientTrust;
    static WebServer server;

    @BeforeAll
    static void start() {
        certs = new TestCertificates(dir);
        Path bridge = certs.keyStore("bridge");
        clinic = certs.keyStore("clinic");
        stranger = certs.keyStore("stranger");
        bridgeTrust = certs.trustStore("clinics", clinic);
        clientTrust = certs.trustStore("trust-bridge", bridge);
        Map<String, String> readme = Map.of(
                "server.ssl.enabled",
                "true",
                "server.ssl.key-store",
                bridge.toString(),
                "server.ssl.key-store-type",
                "PKCS12",
                "server.ssl.key-store-password",
                TestCertificates.PASSWORD,
                "server.ssl.trust-store",
                bridgeTrust.toString(),
                "server.ssl.trust-store-type",
                "PKCS12",
                "server.ssl.trust-store-password",
                TestCertificates.PASSWORD,
                "server.ssl.client-auth",
                "need");
        Ssl ssl = new Binder(new MapConfigurationPropertySource(readme))
                .bind("server.ssl", Ssl.class)
                .get();
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
        factory.setSsl(ssl);
        server =
                factory.getWebServer(context -> context.addServlet("documents", new jakarta.servlet.http.HttpServlet() {
                            @Override
                            protected void doGet(
                                    jakarta.servlet.http.HttpServletRequest req,
                                    jakarta.servlet.http.HttpServletResponse resp)
                                    throws IOException {
                                resp.getWriter().write("accepted");
                            }
                        })
                        .addMapping("/api/v1/documents"));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void aClinicWithATrustedCertificateGetsThrough() throws Exception {
        HttpResponse<String> response = call(tls(clinic));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("accepted");
    }

    @Test
    void aCallerWithoutACertificateIsRefusedDuringTheHandshake() {
        assertThatThrownBy(() -> call(tls(null))).isInstanceOf(IOException.class);
    }

    @Test
    void aCallerWithAnUntrustedCertificateIsRefused() {
        assertThatThrownBy(() -> call(tls(stranger))).isInstanceOf(IOException.class);
    }

    static HttpResponse<String> call(SSLContext tls) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
        return client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + server.getPort() + "/api/v1/documents"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Trusts the bridge's certificate; presents {@code clientKeys} if given. */
    static SSLContext tls(Path clientKeys) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(clientTrust));
        KeyManagerFactory kmf = null;
        if (clientKeys != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(clientKeys), TestCertificates.PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        return store;
    }
}
