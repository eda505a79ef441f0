package org.annulus.bridge.smart;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * SMART Backend Services for the bridge's FHIR client: {@link #connect} names the EHR, {@link #attachTo}
 * makes a HAPI client carry tokens, {@link #status} tells health checks where things stand.
 */
@Component
public class SmartAuthorization {

    private static final Logger log = LoggerFactory.getLogger(SmartAuthorization.class);

    private final SmartProperties properties;
    private final EhrTransport transport;
    private final Clock clock;
    private final SigningKeys keys;
    private final List<String> scopes;
    private final AtomicReference<SmartSession> session = new AtomicReference<>();
    private final java.util.function.Consumer<TokenRequested> tokenEvents;

    SmartAuthorization(SmartProperties properties, Clock clock) {
        this(properties, clock, new EhrTransport(EhrTransportProperties.defaults()));
    }

    SmartAuthorization(SmartProperties properties, Clock clock, EhrTransport transport) {
        this(properties, clock, transport, (java.util.function.Consumer<TokenRequested>) event -> {});
    }

    @org.springframework.beans.factory.annotation.Autowired
    SmartAuthorization(
            SmartProperties properties,
            Clock clock,
            EhrTransport transport,
            org.springframework.context.ApplicationEventPublisher events) {
        this(properties, clock, transport, (java.util.function.Consumer<TokenRequested>) events::publishEvent);
    }

    private SmartAuthorization(
            SmartProperties properties,
            Clock clock,
            EhrTransport transport,
            java.util.function.Consumer<TokenRequested> tokenEvents) {
        this.tokenEvents = tokenEvents;
        this.transport = transport;
        if (properties.tokenUrl() != null) {
            EhrTransport.requireHttps(
                    "bridge.ehr.token-url", properties.tokenUrl().toString());
        }
        this.properties = properties;
        this.clock = clock;
        this.keys = SigningKeys.from(properties);
        this.scopes = GrantedScopes.split(properties.scopes());
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("bridge.ehr.scopes is empty: list the scopes to request, e.g."
                    + " 'system/Patient.rs system/Condition.crus'");
        }
        log.info(
                "SMART client assertions are signed with {} key {}; {} public key(s) at {}",
                keys.algorithm(),
                keys.signing().getKeyID(),
                keys.published().getKeys().size(),
                JwksController.PATH);
        if (keys.temporary()) {
            log.warn("No bridge.ehr.private-key: signing with a temporary key generated at start-up, which only the"
                    + " sandbox EHR accepts");
        }
    }

    /**
     * Authorizes against this FHIR server from now on. A real EHR needs a registered client id and a
     * configured key: without them this fails, so that start-up fails with the property to set.
     */
    public void connect(SmartTarget target) {
        String clientId = properties.hasClientId() ? properties.clientId() : null;
        if (!target.sandbox()) {
            EhrTransport.requireHttps("bridge.ehr.base-url", target.fhirBaseUrl());
            if (clientId == null) {
                throw new IllegalStateException("bridge.ehr.client-id is required with bridge.ehr.base-url: the"
                        + " client id the hospital registered for the bridge");
            }
            if (keys.temporary()) {
                throw new IllegalStateException(
                        "bridge.ehr.private-key is required with bridge.ehr.base-url: the"
                                + " private key whose public half the hospital registered (see README, 'Connecting to your EHR')");
            }
        }
        session.set(new SmartSession(
                target,
                clientId != null ? clientId : SmartProperties.SANDBOX_CLIENT_ID,
                scopes,
                keys,
                properties.tokenUrl(),
                clock,
                properties.refreshBefore(),
                transport));
        session.get().reportTo(tokenEvents);
    }

    /** Makes the client send a bearer token with every request (and retry once on 401). */
    public void attachTo(IGenericClient client) {
        client.registerInterceptor(new BearerTokenInterceptor(current()));
    }

    /** Discovery and token status, getting a token if none is held; empty steps before {@link #connect}. */
    public SmartStatus status() {
        SmartSession s = session.get();
        if (s == null) {
            SmartStatus.Step waiting = new SmartStatus.Step(false, "EHR endpoint not known yet", null, null);
            return new SmartStatus(waiting, waiting);
        }
        return s.status();
    }

    /** The public keys of {@code /.well-known/jwks.json}: what verifies {@link #sign} too. */
    public JWKSet publishedKeys() {
        return keys.published();
    }

    /** The payload as a compact JWS signed with the module's key (its {@code kid} in the header). */
    public String sign(String payload) {
        return ModuleSignature.sign(keys, payload);
    }

    private SmartSession current() {
        SmartSession s = session.get();
        if (s == null) {
            throw new IllegalStateException("SmartAuthorization.connect has not been called");
        }
        return s;
    }
}
