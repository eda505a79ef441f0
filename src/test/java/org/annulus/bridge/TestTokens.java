package org.annulus.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.annulus.bridge.security.Role;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.HttpHeaders;

/**
 * Bearer tokens for tests, two ways:
 *
 * <ul>
 * <li>in the default (sandbox) run, the sandbox's development tokens, fetched from its token endpoint
 *     as a user does: {@link #sandbox(TestRestTemplate, String)}, {@link #sandboxToken(String, String)};
 * <li>with a real EHR, a test issuer: an RSA key made at test time, its JWKS and OpenID discovery served by
 *     a WireMock server on 127.0.0.1 ({@link #servedBy}), tokens minted for any client and roles
 *     ({@link #mint}). The bridge trusts it through {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}
 *     = {@link #issuer()}.
 * </ul>
 */
public final class TestTokens {

    /** The sandbox's development clients (README, "Try it"): their role is in the client's name. */
    public static final String CLINIC = "demo-clinic";

    public static final String OPERATOR = "demo-operator";
    public static final String AUDITOR = "demo-auditor";

    static final String ISSUER_PATH = "/issuer";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String issuer;
    private final RSAKey key;

    private TestTokens(String issuer) {
        this.issuer = issuer;
        this.key = TestKeys.rsaJwk("test-issuer-" + UUID.randomUUID());
    }

    // --- the sandbox's development tokens

    /** A copy of {@code http} that sends a development token of that sandbox client with every request. */
    public static TestRestTemplate sandbox(TestRestTemplate http, String clientId) {
        String root = http.getRootUri();
        return withBearer(http, new Supplier<>() {
            private volatile String token;

            @Override
            public String get() {
                // One token per template: they live an hour, far longer than a test class runs.
                if (token == null) {
                    token = sandboxToken(root, clientId);
                }
                return token;
            }
        });
    }

    /** A development token from the sandbox token endpoint of the bridge at {@code baseUrl}. */
    public static String sandboxToken(String baseUrl, String clientId) {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientId + "-secret", StandardCharsets.UTF_8);
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/auth/token"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Accept", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "sandbox token endpoint answered " + response.statusCode() + ": " + response.body());
            }
            return response.body().trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code http} (same server, same lenient error handling) that sends {@code Authorization: Bearer}. */
    public static TestRestTemplate withBearer(TestRestTemplate http, Supplier<String> token) {
        return new TestRestTemplate(new RestTemplateBuilder()
                .rootUri(http.getRootUri())
                .additionalInterceptors((request, body, execution) -> {
                    request.getHeaders().set(HttpHeaders.AUTHORIZATION, "Bearer " + token.get());
                    return execution.execute(request, body);
                }));
    }

    /** A copy of {@code http} that sends this token with every request. */
    public static TestRestTemplate withBearer(TestRestTemplate http, String token) {
        return withBearer(http, () -> token);
    }

    // --- a test issuer

    /** A test issuer at {@code {wiremock}/issuer}: OpenID discovery and the JWKS stubbed on that server. */
    public static TestTokens servedBy(WireMockServer server) {
        TestTokens tokens = new TestTokens(server.baseUrl() + ISSUER_PATH);
        server.stubFor(get(ISSUER_PATH + "/.well-known/openid-configuration")
                .willReturn(okJson("""
                {"issuer": "%s", "jwks_uri": "%s",
                 "id_token_signing_alg_values_supported": ["RS256"], "subject_types_supported": ["public"],
                 "response_types_supported": ["token"]}""".formatted(tokens.issuer, tokens.jwksUri()))));
        server.stubFor(get(ISSUER_PATH + "/jwks").willReturn(okJson(tokens.jwks())));
        return tokens;
    }

    /** A test issuer whose JWKS ({@link #jwks()}) the caller serves itself. */
    public static TestTokens at(String issuer) {
        return new TestTokens(issuer);
    }

    /** The value for {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}. */
    public String issuer() {
        return issuer;
    }

    /** The value for {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri}. */
    public String jwksUri() {
        return issuer + "/jwks";
    }

    /** The public key as a JWK Set document. */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /** A token for the client with these roles as scopes, valid for an hour. */
    public String mint(String clientId, Role... roles) {
        return sign(claims(clientId, roles).build());
    }

    /** The claims {@link #mint} would sign, to change before {@link #sign}ing (expired, other issuer, …). */
    public JWTClaimsSet.Builder claims(String clientId, Role... roles) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(clientId)
                .claim("azp", clientId)
                .claim("scope", Arrays.stream(roles).map(Role::scope).collect(Collectors.joining(" ")))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .jwtID(UUID.randomUUID().toString());
    }

    /** Signs these claims with the issuer's key (RS256). */
    public String sign(JWTClaimsSet claims) {
        return sign(claims, key);
    }

    /** Signs with another key, made now: a token the bridge must refuse. */
    public String signWithAnotherKey(JWTClaimsSet claims) {
        return sign(claims, TestKeys.rsaJwk(key.getKeyID()));
    }

    private static String sign(JWTClaimsSet claims, RSAKey with) {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(with.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        try {
            jwt.sign(new RSASSASigner(with));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
