package org.annulus.bridge.smart;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorization against one FHIR server: its token endpoint (discovered once, again after it
 * became unreachable), the client assertion, the token cache and the last problem seen.
 */
final class SmartSession {

    private static final Logger log = LoggerFactory.getLogger(SmartSession.class);

    private final SmartTarget target;
    private final EhrTransport transport;
    private final String clientId;
    private final List<String> scopes;
    private final SigningKeys keys;
    private final URI configuredTokenUrl;
    private final SmartDiscovery discovery;
    private final ClientAssertionSigner signer;
    private final TokenClient tokenClient;
    private final TokenCache cache;
    private final AtomicReference<SmartDiscovery.TokenEndpoint> endpoint = new AtomicReference<>();
    private final AtomicReference<String> lastLogged = new AtomicReference<>();
    private volatile java.util.function.Consumer<TokenRequested> tokenEvents = event -> {};
    private final Clock clock;

    SmartSession(
            SmartTarget target,
            String clientId,
            List<String> scopes,
            SigningKeys keys,
            URI configuredTokenUrl,
            Clock clock,
            Duration refreshBefore,
            EhrTransport transport) {
        this.transport = transport;
        this.clock = clock;
        this.target = target;
        this.clientId = clientId;
        this.scopes = List.copyOf(scopes);
        this.keys = keys;
        this.configuredTokenUrl = configuredTokenUrl;
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(target.connectTimeout())
                .sslContext(transport.sslContext())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.discovery = new SmartDiscovery(http, target.readTimeout());
        this.signer = new ClientAssertionSigner(keys, clock);
        this.tokenClient = new TokenClient(http, target.readTimeout(), clock);
        this.cache = new TokenCache(this::requestToken, clock, refreshBefore);
    }

    /** Where each token request is reported (the audit log), success or failure. */
    void reportTo(java.util.function.Consumer<TokenRequested> events) {
        this.tokenEvents = events;
    }

    String fhirBaseUrl() {
        return target.fhirBaseUrl();
    }

    /** A bearer token for the configured scopes; a {@link SmartException} says why there is none. */
    String bearerToken() {
        try {
            AccessToken token = cache.token(scopes);
            quiet();
            return token.value();
        } catch (SmartException e) {
            report(e);
            throw e;
        }
    }

    /** The FHIR server refused this token: the next {@link #bearerToken()} asks for a new one. */
    void refused(String token) {
        cache.invalidate(scopes, token);
    }

    SmartStatus status() {
        SmartStatus.Step discovered;
        SmartDiscovery.TokenEndpoint found;
        try {
            found = tokenEndpoint();
            discovered = SmartStatus.Step.ok(found.tokenEndpoint() + " (from " + found.source() + ", "
                    + (found.advertisesSupport()
                            ? "private_key_jwt and " + keys.algorithm() + " supported"
                            : "authentication methods not advertised")
                    + ")");
        } catch (SmartException e) {
            report(e);
            return new SmartStatus(
                    SmartStatus.Step.failed(e), new SmartStatus.Step(false, "not requested", null, null));
        }
        try {
            AccessToken token = cache.token(scopes);
            List<String> missing = GrantedScopes.missing(scopes, token.grantedScopes());
            if (!missing.isEmpty()) {
                return new SmartStatus(discovered, SmartStatus.Step.failed(insufficient(missing)));
            }
            return new SmartStatus(
                    discovered,
                    SmartStatus.Step.ok("client " + clientId + " holds a token valid until " + token.expiresAt()
                            + ", scopes " + String.join(" ", token.grantedScopes())));
        } catch (SmartException e) {
            report(e);
            return new SmartStatus(discovered, SmartStatus.Step.failed(e));
        }
    }

    private AccessToken requestToken(List<String> requested) {
        SmartDiscovery.TokenEndpoint to = tokenEndpoint();
        try {
            AccessToken token =
                    tokenClient.request(to.tokenEndpoint(), requested, signer.sign(clientId, to.tokenEndpoint()));
            List<String> missing = GrantedScopes.missing(requested, token.grantedScopes());
            if (!missing.isEmpty()) {
                // The token is still used: the EHR decides what it allows; health shows the gap.
                report(insufficient(missing));
            }
            log.info(
                    "SMART token obtained from {} for client {}, valid until {}",
                    to.tokenEndpoint(),
                    clientId,
                    token.expiresAt());
            tokenEvents.accept(
                    new TokenRequested(clientId, to.tokenEndpoint(), requested, true, null, clock.instant()));
            return token;
        } catch (SmartException e) {
            tokenEvents.accept(new TokenRequested(
                    clientId, to.tokenEndpoint(), requested, false, e.problem().name(), clock.instant()));
            if (e.problem() == SmartProblem.TOKEN_ENDPOINT_UNREACHABLE && configuredTokenUrl == null) {
                endpoint.compareAndSet(to, null);
            }
            throw e;
        }
    }

    private SmartDiscovery.TokenEndpoint tokenEndpoint() {
        SmartDiscovery.TokenEndpoint known = endpoint.get();
        if (known != null) {
            return known;
        }
        SmartDiscovery.TokenEndpoint found = configuredTokenUrl != null
                ? new SmartDiscovery.TokenEndpoint(configuredTokenUrl, "bridge.ehr.token-url", List.of(), List.of())
                : allowed(discovery.discover(target.fhirBaseUrl())).requireSupport(keys.algorithm());
        endpoint.compareAndSet(null, found);
        return found;
    }

    /** The client assertion goes only where we trust: an explicit token URL, or a discovered one we allow. */
    private SmartDiscovery.TokenEndpoint allowed(SmartDiscovery.TokenEndpoint discovered) {
        transport.requireAllowedTokenEndpoint(URI.create(target.fhirBaseUrl()), discovered.tokenEndpoint());
        return discovered;
    }

    private static SmartException insufficient(List<String> missing) {
        return new SmartException(SmartProblem.INSUFFICIENT_SCOPE, "not granted: " + String.join(" ", missing));
    }

    /** Logs a problem once when it appears, not on every attempt of every worker. */
    private void report(SmartException e) {
        if (!Objects.equals(lastLogged.getAndSet(e.getMessage()), e.getMessage())) {
            log.warn("SMART authorization with {}: {}", target.fhirBaseUrl(), e.getMessage());
        } else {
            log.debug("SMART authorization with {}: {}", target.fhirBaseUrl(), e.getMessage());
        }
    }

    private void quiet() {
        lastLogged.set(null);
    }
}
