package org.annulus.bridge.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.annulus.bridge.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void rsaPemKeySignsRs384WithThumbprintKid() throws Exception {
        KeyPair pair = TestKeys.rsa();

        SigningKeys keys = SigningKeys.from(
                SmartServerStubs.clientSettings(TestKeys.pem(dir, "rsa.pem", pair), null, "", "system/Condition.c"));

        assertThat(keys.algorithm()).isEqualTo(JWSAlgorithm.RS384);
        RSAKey expected = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).build();
        assertThat(keys.signing().getKeyID())
                .isEqualTo(expected.computeThumbprint().toString());
        assertThat(keys.published().getKeys())
                .singleElement()
                .satisfies(k -> assertThat(k.isPrivate()).isFalse())
                .satisfies(k -> assertThat(((RSAKey) k).getModulus()).isEqualTo(expected.getModulus()));
        assertThat(keys.temporary()).isFalse();
    }

    @Test
    void ecP384PemKeySignsEs384AndItsPublicPointIsDerived() throws Exception {
        KeyPair pair = TestKeys.ecP384();

        SigningKeys keys = SigningKeys.from(
                SmartServerStubs.clientSettings(TestKeys.pem(dir, "ec.pem", pair), null, "", "system/Condition.c"));

        assertThat(keys.algorithm()).isEqualTo(JWSAlgorithm.ES384);
        ECPublicKey published = ((ECKey) keys.published().getKeys().get(0)).toECPublicKey();
        assertThat(published.getW()).isEqualTo(((ECPublicKey) pair.getPublic()).getW());
    }

    @Test
    void configuredKeyIdIsUsedInsteadOfTheThumbprint() {
        Path pem = TestKeys.pem(dir, "ec.pem", TestKeys.ecP384());

        SigningKeys keys =
                SigningKeys.from(SmartServerStubs.clientSettings(pem, null, "bridge-2026", "system/Condition.c"));

        assertThat(keys.signing().getKeyID()).isEqualTo("bridge-2026");
    }

    @Test
    void rotationPublishesBothKeysAndTheNewOneSigns() {
        Path current = TestKeys.pem(dir, "new.pem", TestKeys.ecP384());
        Path previous = TestKeys.pem(dir, "old.pem", TestKeys.rsa());

        SigningKeys keys =
                SigningKeys.from(SmartServerStubs.clientSettings(current, previous, "", "system/Condition.c"));

        assertThat(keys.published().getKeys()).hasSize(2);
        assertThat(keys.published().getKeys().get(0).getKeyID())
                .isEqualTo(keys.signing().getKeyID());
        assertThat(keys.algorithm()).isEqualTo(JWSAlgorithm.ES384);
    }

    @Test
    void privateJwksFileWithKeyIdPicksTheSignerAndPublishesAll() throws Exception {
        KeyPair bPair = TestKeys.rsa();
        JWK b = new RSAKey.Builder((RSAPublicKey) bPair.getPublic())
                .privateKey(bPair.getPrivate())
                .keyID("b")
                .build();
        KeyPair aPair = TestKeys.ecP384();
        JWK c = new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_384, (ECPublicKey) aPair.getPublic())
                .privateKey(aPair.getPrivate())
                .keyID("c")
                .build();
        Path file = Files.writeString(dir.resolve("keys.json"), new JWKSet(java.util.List.of(b, c)).toString(false));

        SigningKeys keys = SigningKeys.from(SmartServerStubs.clientSettings(file, null, "c", "system/Condition.c"));

        assertThat(keys.signing().getKeyID()).isEqualTo("c");
        assertThat(keys.published().getKeys()).extracting(JWK::getKeyID).containsExactly("c", "b");
        assertThat(keys.published().getKeys()).noneMatch(JWK::isPrivate);
    }

    @Test
    void jwksFileWithSeveralKeysNeedsAKeyId() throws Exception {
        KeyPair one = TestKeys.rsa();
        KeyPair two = TestKeys.rsa();
        JWKSet set = new JWKSet(java.util.List.of(
                new RSAKey.Builder((RSAPublicKey) one.getPublic())
                        .privateKey(one.getPrivate())
                        .keyID("1")
                        .build(),
                new RSAKey.Builder((RSAPublicKey) two.getPublic())
                        .privateKey(two.getPrivate())
                        .keyID("2")
                        .build()));
        Path file = Files.writeString(dir.resolve("keys.json"), set.toString(false));

        assertThatThrownBy(
                        () -> SigningKeys.from(SmartServerStubs.clientSettings(file, null, "", "system/Condition.c")))
                .hasMessageContaining("bridge.ehr.key-id");
    }

    @Test
    void pkcs1PemIsRefusedWithTheConversionCommand() throws Exception {
        Path file = Files.writeString(
                dir.resolve("old.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        assertThatThrownBy(
                        () -> SigningKeys.from(SmartServerStubs.clientSettings(file, null, "", "system/Condition.c")))
                .hasMessageContaining("bridge.ehr.private-key")
                .hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void missingKeyFileNamesTheProperty() {
        assertThatThrownBy(
                        () -> SigningKeys.from(SmartServerStubs.clientSettings(dir.resolve("nope.pem"), null, "", "x")))
                .hasMessageContaining("bridge.ehr.private-key");
    }

    @Test
    void withoutAConfiguredKeyATemporaryEs384KeyIsGeneratedAndNeverPrinted() {
        SigningKeys keys = SigningKeys.from(SmartServerStubs.clientSettings(null, null, "", "system/Condition.c"));

        assertThat(keys.temporary()).isTrue();
        assertThat(keys.algorithm()).isEqualTo(JWSAlgorithm.ES384);
        assertThat(keys.toString())
                .doesNotContain(((ECKey) keys.signing()).getD().toString());
    }
}
