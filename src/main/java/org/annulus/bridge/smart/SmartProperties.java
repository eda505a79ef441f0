package org.annulus.bridge.smart;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the bridge authenticates to the EHR (prefix {@code bridge.ehr}, shared with
 * {@code EhrProperties}, which owns {@code base-url} and the timeouts).
 *
 * @param clientId           client id the hospital registered; empty means the sandbox's development client
 * @param privateKey         PKCS#8 PEM private key (RSA → RS384, EC P-384 → ES384) or a private JWKS JSON file;
 *                           empty: a temporary key is generated, which only the sandbox accepts
 * @param previousPrivateKey the key being rotated out: still published in the JWKS, never used to sign
 * @param keyId              the {@code kid} to sign with; picks the key in a JWKS file; default RFC 7638 thumbprint
 * @param scopes             requested scopes, space separated (SMART v2 {@code system/Condition.cru} or v1
 *                           {@code system/Condition.write})
 * @param tokenUrl           token endpoint; empty means discovery from the FHIR base URL
 * @param refreshBefore      a cached token is renewed this long before it expires (at most a fifth of its life)
 */
@Validated
@ConfigurationProperties("bridge.ehr")
public record SmartProperties(
        @DefaultValue("") String clientId,
        Path privateKey,
        Path previousPrivateKey,
        @DefaultValue("") String keyId,

        @NotNull @DefaultValue("system/Patient.rs system/Condition.crus system/Observation.crus")
        String scopes,

        URI tokenUrl,
        @NotNull @DefaultValue("60s") Duration refreshBefore) {

    /** The client id registered with the sandbox's token endpoint when none is configured. */
    public static final String SANDBOX_CLIENT_ID = "annulus-bridge-sandbox";

    boolean hasClientId() {
        return clientId != null && !clientId.isBlank();
    }

    boolean hasKeyId() {
        return keyId != null && !keyId.isBlank();
    }
}
