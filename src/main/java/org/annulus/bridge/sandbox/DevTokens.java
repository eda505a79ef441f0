package org.annulus.bridge.sandbox;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.annulus.bridge.security.Role;
import org.annulus.bridge.security.TrustedIssuer;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The sandbox as the issuer of the bridge's own API in the default run: access tokens for a demo
 * clinic, a demo operator and a demo auditor, by OAuth 2.0 client credentials with
 * {@code client_secret_post} (RFC 6749 §2.3.1). Their secrets are published in the README: these
 * tokens exist only while the sandbox is the EHR. The signing key lives in memory, so a restart
 * invalidates every token issued before.
 */
final class DevTokens {

    /** The {@code iss} of development tokens: fixed, so it does not depend on the host name a caller used. */
    static final String ISSUER = "urn:annulus-bridge:sandbox";

    /** Client id, its development secret, and the one role it gets. */
    record DevClient(String clientId, String secret, Role role) {}

    static final Map<String, DevClient> CLIENTS = clients(
            new DevClient("demo-clinic", "demo-clinic-secret", Role.INGEST),
            new DevClient("demo-operator", "demo-operator-secret", Role.OPERATE),
            new DevClient("demo-auditor", "demo-auditor-secret", Role.AUDIT));

    private final RSAKey key;
    private final Clock clock;
    private final Duration lifetime;
    private final String audience;

    DevTokens(Clock clock, Duration lifetime, String audience) {
        try {
            this.key = new RSAKeyGenerator(2048)
                    .keyID("sandbox-dev-" + UUID.randomUUID())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the sandbox's token signing key", e);
        }
        this.clock = clock;
        this.lifetime = lifetime;
        this.audience = audience;
    }

    /** The token response (RFC 6749 §5.1) for a known client with its secret. */
    Map<String, Object> issue(String clientId, String secret) throws SandboxAuthorizationServer.OAuthError {
        DevClient client = clientId == null ? null : CLIENTS.get(clientId);
        if (client == null
                || secret == null
                || !MessageDigest.isEqual(
                        client.secret().getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
            throw new SandboxAuthorizationServer.OAuthError(
                    401, "invalid_client", "unknown development client or wrong secret (see README, 'Try it')");
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(client.clientId())
                .claim("client_id", client.clientId())
                .claim("azp", client.clientId())
                .claim("scope", client.role().scope())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
        if (audience != null && !audience.isBlank()) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a development token", e);
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", jwt.serialize());
        response.put("token_type", "Bearer");
        response.put("expires_in", lifetime.toSeconds());
        response.put("scope", client.role().scope());
        return response;
    }

    /** The bridge's resource server trusts these tokens: signature by our key, this issuer, not expired. */
    TrustedIssuer trustedIssuer(List<OAuth2TokenValidator<Jwt>> more) {
        NimbusJwtDecoder decoder;
        try {
            decoder = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(more);
        validators.add(0, JwtValidators.createDefaultWithIssuer(ISSUER));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return new TrustedIssuer(ISSUER, decoder, "scope");
    }

    private static Map<String, DevClient> clients(DevClient... clients) {
        Map<String, DevClient> byId = new LinkedHashMap<>();
        for (DevClient c : clients) {
            byId.put(c.clientId(), c);
        }
        return Map.copyOf(byId);
    }
}
