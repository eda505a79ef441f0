package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.util.concurrent.atomic.AtomicReference;
import org.annulus.bridge.smart.EhrTransport;
import org.annulus.bridge.smart.SmartAuthorization;
import org.annulus.bridge.smart.SmartTarget;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The FHIR client for the configured EHR, carrying SMART Backend Services tokens. With no base URL
 * configured it points at the sandbox EHR of this very process, whose port is known only once the
 * web server is up.
 */
@Component
class EhrEndpoint {

    private final FhirContext fhir;
    private final EhrProperties properties;
    private final SmartAuthorization smart;
    private final AtomicReference<IGenericClient> client = new AtomicReference<>();
    private final RetryAfter retryAfter = new RetryAfter();
    private final WritesAnswered writesAnswered = new WritesAnswered();
    private final org.springframework.context.ApplicationEventPublisher events;
    private final java.time.Clock clock;

    /** For what the writer learns only from a whole send (the versioned Provenance), not per request. */
    void publish(Object event) {
        events.publishEvent(event);
    }

    EhrEndpoint(
            FhirContext fhir,
            EhrProperties properties,
            SmartAuthorization smart,
            EhrTransport transport,
            org.springframework.context.ApplicationEventPublisher events,
            java.time.Clock clock) {
        this.events = events;
        this.clock = clock;
        this.fhir = fhir;
        this.properties = properties;
        this.smart = smart;
        IRestfulClientFactory factory = fhir.getRestfulClientFactory();
        factory.setConnectTimeout((int) properties.connectTimeout().toMillis());
        factory.setSocketTimeout((int) properties.readTimeout().toMillis());
        // Our own HTTP client: the EHR trust store, and no redirect that would carry the token to another host.
        factory.setHttpClient(
                EhrHttpClient.create(transport.sslContext(), properties.connectTimeout(), properties.readTimeout()));
        // The capability check is ours to do once, not HAPI's before every call.
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        if (!properties.usesSandbox()) {
            client.set(authorized(properties.baseUrl(), false));
        }
    }

    @EventListener
    void onWebServerReady(WebServerInitializedEvent event) {
        // A separate management port fires this event too; the sandbox lives on the main one.
        if (properties.usesSandbox()
                && !"management".equals(event.getApplicationContext().getServerNamespace())) {
            String sandbox = "http://127.0.0.1:" + event.getWebServer().getPort() + "/sandbox/fhir";
            if (client.get() == null) {
                client.set(authorized(sandbox, true));
            }
        }
    }

    /** A client for the base URL that gets its tokens the SMART way, from the sandbox too. */
    private IGenericClient authorized(String baseUrl, boolean sandbox) {
        smart.connect(new SmartTarget(baseUrl, sandbox, properties.connectTimeout(), properties.readTimeout()));
        IGenericClient authorized = fhir.newRestfulGenericClient(baseUrl);
        smart.attachTo(authorized);
        authorized.registerInterceptor(retryAfter);
        authorized.registerInterceptor(writesAnswered);
        authorized.registerInterceptor(new ExchangeEvents(baseUrl, events::publishEvent, clock));
        return authorized;
    }

    /** The FHIR base URL, once known. */
    java.util.Optional<String> knownBaseUrl() {
        return java.util.Optional.ofNullable(client.get()).map(IGenericClient::getServerBase);
    }

    IGenericClient client() {
        IGenericClient c = client.get();
        if (c == null) {
            throw new IllegalStateException(
                    "EHR endpoint not ready: no bridge.ehr.base-url and the web server has not started");
        }
        return c;
    }

    /** The {@code Retry-After} header of the last answer this thread got from the EHR, if any. */
    java.util.Optional<String> lastRetryAfter() {
        return retryAfter.lastHeader();
    }

    /** A send begins on this thread: {@link #tookAWriteOfThisSend} answers for it from now on. */
    void sendBegins() {
        writesAnswered.forget();
    }

    /** Whether the EHR took (2xx) a POST or PUT of this thread's send since {@link #sendBegins}. */
    boolean tookAWriteOfThisSend() {
        return writesAnswered.anyTaken();
    }

    String baseUrl() {
        IGenericClient c = client.get();
        return c == null ? "(not ready)" : c.getServerBase();
    }
}
