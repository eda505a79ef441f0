package org.annulus.bridge.smart;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Signs the JWT client assertion of SMART Backend Services ("Authenticating to the token endpoint";
 * RFC 7523 §3): {@code iss} = {@code sub} = client id, {@code aud} = the token endpoint URL, a short
 * {@code exp} and a fresh {@code jti}, so that a captured assertion is worthless within minutes.
 */
final class ClientAssertionSigner {

    /** SMART: exp "no more than five minutes in the future"; a minute less leaves room for skew. */
    static final Duration LIFETIME = Duration.ofMinutes(4);

    private final SigningKeys keys;
    private final JWSSigner signer;
    private final Clock clock;

    ClientAssertionSigner(SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
        try {
            this.signer = keys.signing() instanceof RSAKey rsa
                    ? new RSASSASigner(rsa)
                    : new ECDSASigner((ECKey) keys.signing());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("bridge.ehr.private-key cannot sign", e);
        }
    }

    String sign(String clientId, URI tokenEndpoint) {
        Instant now = clock.instant();
        JWSHeader header = new JWSHeader.Builder(keys.algorithm())
                .type(JOSEObjectType.JWT)
                .keyID(keys.signing().getKeyID())
                .build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(tokenEndpoint.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the client assertion failed", e);
        }
        return jwt.serialize();
    }
}
