package org.annulus.bridge.smart;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;

/** A JWS over any payload with the key that signs client assertions, verifiable with the published JWKS. */
final class ModuleSignature {

    private ModuleSignature() {}

    static String sign(SigningKeys keys, String payload) {
        try {
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(keys.algorithm())
                            .keyID(keys.signing().getKeyID())
                            .build(),
                    new Payload(payload));
            jws.sign(
                    keys.signing() instanceof RSAKey rsa
                            ? new RSASSASigner(rsa)
                            : new ECDSASigner((ECKey) keys.signing()));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }
}
