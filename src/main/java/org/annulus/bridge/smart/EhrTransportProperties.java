package org.annulus.bridge.smart;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the bridge reaches the EHR over the network (prefix {@code bridge.ehr.transport}).
 *
 * @param trustStore         trust store (PKCS12 or JKS) with the CA certificates the EHR's and its
 *                           authorization server's TLS certificates chain to; empty: the JVM's default trust
 * @param trustStorePassword its password
 * @param trustStoreType     {@code PKCS12} or {@code JKS}
 * @param tokenHosts         hosts a <em>discovered</em> token endpoint may be on besides the FHIR server's own
 *                           host (e.g. a separate authorization server); ignored when {@code bridge.ehr.token-url}
 *                           is set explicitly
 */
@Validated
@ConfigurationProperties("bridge.ehr.transport")
public record EhrTransportProperties(
        Path trustStore,
        @DefaultValue("") String trustStorePassword,
        @DefaultValue("PKCS12") @NotNull String trustStoreType,
        @DefaultValue({}) List<String> tokenHosts) {

    public EhrTransportProperties {
        tokenHosts = tokenHosts == null ? List.of() : List.copyOf(tokenHosts);
    }

    /** No trust store, no extra token hosts: the JVM's trust and the FHIR server's own host. */
    public static EhrTransportProperties defaults() {
        return new EhrTransportProperties(null, "", "PKCS12", List.of());
    }
}
