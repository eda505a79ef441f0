package org.annulus.bridge.smart;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.stereotype.Component;

/**
 * The transport rules for every connection to the EHR (issue 10, "Transport"): TLS with the configured
 * trust, {@code https} for anything not on this machine, and which hosts a discovered token endpoint may
 * be on. Used by the SMART client (discovery, tokens) and the FHIR client alike.
 */
@Component
public class EhrTransport {

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final EhrTransportProperties properties;
    private final SSLContext sslContext;

    public EhrTransport(EhrTransportProperties properties) {
        this.properties = properties;
        this.sslContext = properties.trustStore() == null ? defaultContext() : trusting(properties);
    }

    /** The TLS context for EHR connections: the configured trust store, else the JVM's default trust. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * Refuses plain {@code http} to anything but this machine, naming the property to fix: PHI and tokens
     * never cross a network unencrypted.
     */
    public static URI requireHttps(String property, String url) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(uri))) {
            throw new IllegalStateException(property + " must be an https URL (plain http only to this machine's"
                    + " loopback address): " + uri.getScheme() + "://" + uri.getHost());
        }
        return uri;
    }

    /** localhost, 127.0.0.0/8 and ::1, by name only: nothing is resolved. */
    static boolean isLoopback(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return host.equals("localhost")
                || IPV4_LOOPBACK.matcher(host).matches()
                || host.equals("[::1]")
                || host.equals("::1");
    }

    /**
     * Whether a token endpoint found by discovery may receive our client assertion: on the FHIR server's
     * host or a configured token host, and over https unless on loopback.
     */
    void requireAllowedTokenEndpoint(URI fhirBase, URI tokenEndpoint) {
        try {
            requireHttps("the discovered token endpoint", tokenEndpoint.toString());
        } catch (IllegalStateException e) {
            throw new SmartException(SmartProblem.TOKEN_ENDPOINT_NOT_ALLOWED, e.getMessage());
        }
        String host = tokenEndpoint.getHost() == null ? "" : tokenEndpoint.getHost();
        boolean sameHost = host.equalsIgnoreCase(fhirBase.getHost());
        boolean listed = properties.tokenHosts().stream().anyMatch(host::equalsIgnoreCase);
        if (!sameHost && !listed) {
            throw new SmartException(
                    SmartProblem.TOKEN_ENDPOINT_NOT_ALLOWED,
                    host + " is neither the FHIR server's host nor in bridge.ehr.transport.token-hosts");
        }
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    private static SSLContext trusting(EhrTransportProperties p) {
        try (InputStream in = Files.newInputStream(p.trustStore())) {
            KeyStore store = KeyStore.getInstance(p.trustStoreType());
            store.load(in, p.trustStorePassword().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "bridge.ehr.transport.trust-store " + p.trustStore() + " cannot be read as " + p.trustStoreType()
                            + " (" + e.getClass().getSimpleName() + ")",
                    e);
        }
    }
}
