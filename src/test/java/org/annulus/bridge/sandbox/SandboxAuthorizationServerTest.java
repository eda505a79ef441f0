package org.annulus.bridge.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.annulus.bridge.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sandbox token endpoint is as strict as a hospital's: signature, iss/sub, aud, exp, jti. */
class SandboxAuthorizationServerTest {

    static final String CLIENT = "test-client";
    static final String TOKEN_URL = "http://127.0.0.1/sandbox/auth/token";

    @RegisterExtension
    static WireMockExtension jwksHost = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    ECKey ecKey;
    RSAKey rsaKey;
    SandboxAuthorizationServer server;

    @BeforeEach
    void registerClient() throws Exception {
        ecKey = TestKeys.ecP384Jwk("ec");
        rsaKey = TestKeys.rsaJwk("rsa");
        jwksHost.stubFor(get("/jwks.json")
                .willReturn(okJson(
                        new JWKSet(List.of(ecKey, rsaKey)).toPublicJWKSet().toString())));
        server = new SandboxAuthorizationServer(
                new SandboxProperties(
                        true,
                        Path.of("unused"),
                        CLIENT,
                        URI.create(jwksHost.baseUrl() + "/jwks.json"),
                        Duration.ofMinutes(5),
                        true,
                        true,
                        Duration.ofHours(1)),
                Clock.systemUTC());
    }

    @Test
    void validEs384AndRs384AssertionsGetATokenThatOpensTheFhirEndpoint() throws Exception {
        Map<String, Object> ec = server.token(form(sign(ecKey, claims().build())), TOKEN_URL, null);
        Map<String, Object> rsa = server.token(form(sign(rsaKey, claims().build())), TOKEN_URL, null);

        assertThat(ec)
                .containsEntry("token_type", "bearer")
                .containsEntry("expires_in", 300L)
                .containsEntry("scope", "system/Patient.rs");
        assertThat(server.accepts((String) ec.get("access_token"))).isTrue();
        assertThat(server.accepts((String) rsa.get("access_token"))).isTrue();
        assertThat(server.accepts("made-up")).isFalse();
    }

    @Test
    void replayedJtiIsRefused() throws Exception {
        Map<String, String> form = form(sign(ecKey, claims().build()));
        server.token(form, TOKEN_URL, null);

        assertRefused(form, "jti");
    }

    @Test
    void wrongAudienceIsRefused() throws Exception {
        assertRefused(
                form(sign(ecKey, claims().audience("https://elsewhere/token").build())), "aud");
    }

    @Test
    void expiredAssertionIsRefused() throws Exception {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        assertRefused(form(sign(ecKey, claims().expirationTime(Date.from(past)).build())), "Expired");
    }

    @Test
    void assertionValidForMoreThanFiveMinutesIsRefused() throws Exception {
        Instant late = Instant.now().plus(Duration.ofMinutes(30));
        assertRefused(form(sign(ecKey, claims().expirationTime(Date.from(late)).build())), "five minutes");
    }

    @Test
    void subjectOtherThanIssuerIsRefused() throws Exception {
        assertRefused(form(sign(ecKey, claims().subject("someone-else").build())), "sub");
    }

    @Test
    void unknownClientIsRefused() throws Exception {
        assertRefused(
                form(sign(ecKey, claims().issuer("stranger").subject("stranger").build())), "unknown client");
    }

    @Test
    void keyThatIsNotRegisteredIsRefused() throws Exception {
        ECKey stranger = TestKeys.ecP384Jwk("ec");
        assertRefused(form(sign(stranger, claims().build())), "rejected");
    }

    @Test
    void otherGrantTypesAreRefused() throws Exception {
        Map<String, String> form = new java.util.HashMap<>(form(sign(ecKey, claims().build())));
        form.put("grant_type", "password");

        assertThatThrownBy(() -> server.token(form, TOKEN_URL, null))
                .isInstanceOfSatisfying(SandboxAuthorizationServer.OAuthError.class, e -> assertThat(e.error)
                        .isEqualTo("unsupported_grant_type"));
    }

    private void assertRefused(Map<String, String> form, String why) {
        assertThatThrownBy(() -> server.token(form, TOKEN_URL, null))
                .isInstanceOfSatisfying(SandboxAuthorizationServer.OAuthError.class, e -> {
                    assertThat(e.error).isEqualTo("invalid_client");
                    assertThat(e.getMessage()).contains(why);
                });
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(CLIENT)
                .subject(CLIENT)
                .audience(TOKEN_URL)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(4))))
                .jwtID(UUID.randomUUID().toString());
    }

    private static String sign(com.nimbusds.jose.jwk.JWK key, JWTClaimsSet claims) throws Exception {
        boolean rsa = key instanceof RSAKey;
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(rsa ? JWSAlgorithm.RS384 : JWSAlgorithm.ES384)
                        .type(JOSEObjectType.JWT)
                        .keyID(key.getKeyID())
                        .build(),
                claims);
        jwt.sign(rsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
        return jwt.serialize();
    }

    private static Map<String, String> form(String assertion) {
        return Map.of(
                "grant_type",
                "client_credentials",
                "scope",
                "system/Patient.rs",
                "client_assertion_type",
                SandboxAuthorizationServer.JWT_BEARER,
                "client_assertion",
                assertion);
    }
}
