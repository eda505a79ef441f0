package org.annulus.bridge.sandbox;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's authorization server, strict the way a hospital's is (SMART Backend Services,
 * "Authorization server obligations"): it checks the client assertion's signature against the
 * client's registered JWKS URL, {@code iss} = {@code sub} = client id, {@code aud} = its token URL,
 * an {@code exp} at most five minutes ahead, and that no {@code jti} is used twice; then issues an
 * opaque access token.
 */
final class SandboxAuthorizationServer {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);
    private static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);
    private static final Duration SKEW = Duration.ofSeconds(60);

    private final SandboxProperties properties;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, JWKSource<SecurityContext>> jwksByUrl = new ConcurrentHashMap<>();
    private final Map<String, Instant> usedJtis = new ConcurrentHashMap<>();
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();

    SandboxAuthorizationServer(SandboxProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** An OAuth error response (RFC 6749 §5.2). */
    static final class OAuthError extends Exception {
        final int status;
        final String error;

        OAuthError(int status, String error, String description) {
            super(description);
            this.status = status;
            this.error = error;
        }
    }

    private record Issued(String clientId, String scope, Instant expiresAt) {}

    /**
     * Answers a token request.
     *
     * @param form           the form parameters
     * @param tokenUrl       the URL the request was posted to: the only acceptable {@code aud}
     * @param localJwksUrl   the JWKS URL of this process, used when no client JWKS URL is configured
     */
    Map<String, Object> token(Map<String, String> form, String tokenUrl, String localJwksUrl) throws OAuthError {
        if (!"client_credentials".equals(form.get("grant_type"))) {
            throw new OAuthError(400, "unsupported_grant_type", "only client_credentials is supported");
        }
        if (!JWT_BEARER.equals(form.get("client_assertion_type")) || form.get("client_assertion") == null) {
            throw new OAuthError(401, "invalid_client", "a jwt-bearer client_assertion is required");
        }
        JWTClaimsSet claims = verify(form.get("client_assertion"), tokenUrl, localJwksUrl);
        String scope = form.getOrDefault("scope", "").trim();
        if (scope.isEmpty() || !scope.matches("(system/\\S+)(\\s+system/\\S+)*")) {
            throw new OAuthError(400, "invalid_scope", "request system/ scopes");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        tokens.values().removeIf(t -> t.expiresAt().isBefore(now));
        tokens.put(token, new Issued(claims.getIssuer(), scope, now.plus(properties.tokenLifetime())));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", token);
        response.put("token_type", "bearer");
        response.put("expires_in", properties.tokenLifetime().toSeconds());
        response.put("scope", scope);
        return response;
    }

    /** Whether the bearer token is one we issued and it has not expired. */
    boolean accepts(String bearerToken) {
        Issued issued = bearerToken == null ? null : tokens.get(bearerToken);
        return issued != null && clock.instant().isBefore(issued.expiresAt());
    }

    private JWTClaimsSet verify(String assertion, String tokenUrl, String localJwksUrl) throws OAuthError {
        String clientId = properties.clientId();
        try {
            // Find the client first: whose keys to verify against follows from iss.
            String issuer = SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer();
            if (!clientId.equals(issuer)) {
                throw new OAuthError(401, "invalid_client", "unknown client");
            }
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, jwks(localJwksUrl)));
            DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier = new DefaultJWTClaimsVerifier<>(
                    tokenUrl,
                    new JWTClaimsSet.Builder()
                            .issuer(clientId)
                            .subject(clientId)
                            .build(),
                    Set.of("iss", "sub", "aud", "exp", "jti"));
            claimsVerifier.setMaxClockSkew((int) SKEW.toSeconds());
            processor.setJWTClaimsSetVerifier(claimsVerifier);
            JWTClaimsSet claims = processor.process(assertion, null);
            Instant exp = claims.getExpirationTime().toInstant();
            Instant now = clock.instant();
            if (exp.isAfter(now.plus(MAX_ASSERTION_LIFETIME).plus(SKEW))) {
                throw new OAuthError(401, "invalid_client", "exp is more than five minutes in the future");
            }
            usedJtis.values().removeIf(e -> e.isBefore(now.minus(SKEW)));
            if (usedJtis.putIfAbsent(claims.getJWTID(), exp) != null) {
                throw new OAuthError(401, "invalid_client", "jti has been used before");
            }
            return claims;
        } catch (ParseException e) {
            throw new OAuthError(401, "invalid_client", "client_assertion is not a JWT");
        } catch (BadJOSEException e) {
            throw new OAuthError(401, "invalid_client", "client_assertion rejected: " + e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new OAuthError(401, "invalid_client", "client keys unavailable: " + e.getMessage());
        }
    }

    private JWKSource<SecurityContext> jwks(String localJwksUrl) {
        String url =
                properties.clientJwksUrl() != null ? properties.clientJwksUrl().toString() : localJwksUrl;
        return jwksByUrl.computeIfAbsent(url, u -> {
            try {
                // Cached, and fetched again when an unknown kid shows up: how servers follow key rotation.
                // nimbus's default HTTP timeouts (0.5 s) are too short for a busy test JVM or a slow client host.
                return JWKSourceBuilder.create(new URL(u), new DefaultResourceRetriever(5_000, 5_000, 64 * 1024))
                        .retrying(false)
                        .build();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("bridge.sandbox.client-jwks-url is not a URL", e);
            }
        });
    }
}
