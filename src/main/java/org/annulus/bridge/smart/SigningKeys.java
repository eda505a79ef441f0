package org.annulus.bridge.smart;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge's key pairs: the one that signs client assertions, and every one the JWKS publishes
 * (during a rotation the previous key stays published until the EHR has fetched the new one).
 *
 * @param signing   the private key that signs, with {@code kid}, {@code alg} and {@code use} set
 * @param published the public halves of all configured keys, signing key first
 * @param temporary whether the signing key was generated at start-up (accepted only by the sandbox)
 */
record SigningKeys(JWK signing, JWKSet published, boolean temporary) {

    static SigningKeys from(SmartProperties properties) {
        List<JWK> keys = new ArrayList<>();
        JWK signing;
        boolean temporary = properties.privateKey() == null;
        if (temporary) {
            signing = generated(properties);
            keys.add(signing);
        } else {
            List<JWK> current = read(properties.privateKey(), "bridge.ehr.private-key", properties);
            signing = current.get(0);
            keys.addAll(current);
        }
        if (properties.previousPrivateKey() != null) {
            for (JWK previous : read(properties.previousPrivateKey(), "bridge.ehr.previous-private-key", null)) {
                if (keys.stream().noneMatch(k -> k.getKeyID().equals(previous.getKeyID()))) {
                    keys.add(previous);
                }
            }
        }
        return new SigningKeys(signing, new JWKSet(keys).toPublicJWKSet(), temporary);
    }

    JWSAlgorithm algorithm() {
        return (JWSAlgorithm) signing.getAlgorithm();
    }

    /**
     * The keys of one file, the signer first. {@code signer} is null for a key that only gets
     * published; otherwise its {@code key-id} picks the signer of a JWKS file and names a PEM key.
     */
    private static List<JWK> read(Path file, String property, SmartProperties signer) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(property + ": cannot read " + file.toAbsolutePath() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        String keyId = signer != null && signer.hasKeyId() ? signer.keyId() : null;
        if (!text.stripLeading().startsWith("{")) {
            return List.of(complete(PemPrivateKeys.parse(text, property), keyId, property));
        }
        JWKSet set;
        try {
            set = JWKSet.parse(text);
        } catch (ParseException e) {
            throw new IllegalArgumentException(property + ": " + file + " is neither a PEM key nor a JWKS");
        }
        List<JWK> keys = new ArrayList<>();
        for (JWK key : set.getKeys()) {
            if (!key.isPrivate()) {
                throw new IllegalArgumentException(
                        property + ": the JWKS must hold private keys (kid " + key.getKeyID() + " is public only)");
            }
            keys.add(complete(key, key.getKeyID(), property));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(property + ": the JWKS holds no key");
        }
        if (signer != null && keys.size() > 1) {
            if (keyId == null) {
                throw new IllegalArgumentException(
                        property + " holds " + keys.size() + " keys: set bridge.ehr.key-id to the kid that signs");
            }
            JWK chosen = keys.stream()
                    .filter(k -> keyId.equals(k.getKeyID()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "bridge.ehr.key-id " + keyId + " names no key in " + property));
            keys.remove(chosen);
            keys.add(0, chosen);
        }
        return keys;
    }

    /** The key with {@code alg} (by key type, per SMART Backend Services), {@code use=sig} and a {@code kid}. */
    private static JWK complete(JWK key, String keyId, String property) {
        try {
            if (key instanceof RSAKey rsa) {
                if (rsa.size() < 2048) {
                    throw new IllegalArgumentException(property + ": an RSA key needs at least 2048 bits");
                }
                RSAKey.Builder b =
                        new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.RS384).keyUse(KeyUse.SIGNATURE);
                return b.keyID(keyId != null ? keyId : rsa.computeThumbprint().toString())
                        .build();
            }
            if (key instanceof ECKey ec && Curve.P_384.equals(ec.getCurve())) {
                ECKey.Builder b =
                        new ECKey.Builder(ec).algorithm(JWSAlgorithm.ES384).keyUse(KeyUse.SIGNATURE);
                return b.keyID(keyId != null ? keyId : ec.computeThumbprint().toString())
                        .build();
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException(property + ": cannot compute the key thumbprint");
        }
        throw new IllegalArgumentException(
                property + ": only RSA (RS384) and EC P-384 (ES384) keys can sign" + " SMART client assertions");
    }

    private static JWK generated(SmartProperties properties) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_384).generate();
            return complete(key, properties.hasKeyId() ? properties.keyId() : null, "generated key");
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a development key", e);
        }
    }

    @Override
    public String toString() {
        // Never print key material, not even by accident in a debugger or log line.
        return "SigningKeys[kid=" + signing.getKeyID() + ", alg=" + signing.getAlgorithm() + ", published="
                + published.getKeys().size() + ", temporary=" + temporary + "]";
    }
}
