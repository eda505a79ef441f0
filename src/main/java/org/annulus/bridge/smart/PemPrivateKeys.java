package org.annulus.bridge.smart;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import javax.crypto.KeyAgreement;

/**
 * Reads a PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}) into a JWK that also holds the
 * public half, with the JDK alone (nimbus's PEM reader needs BouncyCastle, which we do not ship).
 */
final class PemPrivateKeys {

    private PemPrivateKeys() {}

    static JWK parse(String pem, String property) {
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalArgumentException(property + " is a PKCS#1/SEC1 key; convert it to PKCS#8 with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in old.pem -out new.pem'");
        }
        if (pem.contains("ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException(property + " is encrypted; the bridge needs an unencrypted PKCS#8 key"
                    + " protected by file permissions");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(property + " holds no '-----BEGIN PRIVATE KEY-----' block");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        try {
            return fromPkcs8(der, property);
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalArgumentException(property + " is not a readable RSA or EC private key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static JWK fromPkcs8(byte[] der, String property) throws GeneralSecurityException, JOSEException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            if (KeyFactory.getInstance("RSA").generatePrivate(spec) instanceof RSAPrivateCrtKey rsa) {
                var pub = (java.security.interfaces.RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                if (rsa.getModulus().bitLength() < 2048) {
                    throw new IllegalArgumentException(property + ": an RSA key needs at least 2048 bits");
                }
                return new RSAKey.Builder(pub).privateKey(rsa).build();
            }
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            // fall through to EC
        }
        ECPrivateKey ec = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(spec);
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        if (!Curve.P_384.equals(curve)) {
            throw new IllegalArgumentException(property + ": an EC key must be on P-384 (ES384), found "
                    + (curve == null ? "an unknown curve" : curve.getName()));
        }
        return new ECKey.Builder(curve, publicOf(ec)).privateKey(ec).build();
    }

    /**
     * The public point d·G. The JDK does not expose it, but ECDH of d with G yields its x coordinate;
     * y follows from the curve equation up to its sign, and a trial signature picks the right one.
     */
    static ECPublicKey publicOf(ECPrivateKey key) throws GeneralSecurityException {
        ECParameterSpec params = key.getParams();
        KeyFactory factory = KeyFactory.getInstance("EC");
        ECPublicKey generator =
                (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(params.getGenerator(), params));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(key);
        agreement.doPhase(generator, true);
        BigInteger x = new BigInteger(1, agreement.generateSecret());
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        BigInteger rhs = x.pow(3)
                .add(params.getCurve().getA().multiply(x))
                .add(params.getCurve().getB())
                .mod(p);
        // p ≡ 3 (mod 4) for P-384, so a square root is rhs^((p+1)/4).
        BigInteger y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        for (BigInteger candidate : new BigInteger[] {y, p.subtract(y)}) {
            ECPublicKey pub =
                    (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(new ECPoint(x, candidate), params));
            if (signsFor(key, pub)) {
                return pub;
            }
        }
        throw new GeneralSecurityException("no public point matches the private key");
    }

    private static boolean signsFor(ECPrivateKey key, ECPublicKey pub) throws GeneralSecurityException {
        byte[] probe = "annulus-bridge key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA384withECDSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA384withECDSA");
        verifier.initVerify(pub);
        verifier.update(probe);
        return verifier.verify(signature);
    }
}
