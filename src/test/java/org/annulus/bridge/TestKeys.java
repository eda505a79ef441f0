package org.annulus.bridge;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The one maker of the tests' keys: made at test time (none is ever committed), as key pairs, as
 * JWKs, or written as PKCS#8 PEM where a file is needed. Certificates: {@code tls.TestCertificates}.
 */
public final class TestKeys {

    private TestKeys() {}

    /** RSA 2048 (RS256/RS384). */
    public static KeyPair rsa() {
        return generate("RSA", null);
    }

    /** EC on P-384 (ES384). */
    public static KeyPair ecP384() {
        return generate("EC", new ECGenParameterSpec("secp384r1"));
    }

    /** A new RSA key as a JWK with its private part. */
    public static RSAKey rsaJwk(String keyId) {
        KeyPair pair = rsa();
        return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                .privateKey(pair.getPrivate())
                .keyID(keyId)
                .build();
    }

    /** A new P-384 key as a JWK with its private part. */
    public static ECKey ecP384Jwk(String keyId) {
        KeyPair pair = ecP384();
        return new ECKey.Builder(Curve.P_384, (ECPublicKey) pair.getPublic())
                .privateKey(pair.getPrivate())
                .keyID(keyId)
                .build();
    }

    /** Writes the pair's private key to {@code dir/name} as PKCS#8 PEM. */
    public static Path pem(Path dir, String name, KeyPair pair) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(pair.getPrivate().getEncoded());
        try {
            return Files.writeString(
                    dir.resolve(name), "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bridge's SMART client key ({@code bridge.ehr.private-key}), RSA, in {@code dir/bridge-key.pem}:
     * made on the first call for the directory, the same file after (property suppliers ask again).
     */
    public static synchronized Path bridgeKey(Path dir) {
        Path pem = dir.resolve("bridge-key.pem");
        return Files.exists(pem) ? pem : pem(dir, "bridge-key.pem", rsa());
    }

    private static KeyPair generate(String algorithm, ECGenParameterSpec curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (curve == null) {
                generator.initialize(2048);
            } else {
                generator.initialize(curve);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
