package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The FHIR client for the configured EHR. With no base URL configured it points at the sandbox EHR
 * of this very process, whose port is known only once the web server is up.
 */
@Component
class EhrEndpoint {

    private final FhirContext fhir;
    private final EhrProperties properties;
    private final AtomicReference<IGenericClient> client = new AtomicReference<>();

    EhrEndpoint(FhirContext fhir, EhrProperties properties) {
        this.fhir = fhir;
        this.properties = properties;
        IRestfulClientFactory factory = fhir.getRestfulClientFactory();
        factory.setConnectTimeout((int) properties.connectTimeout().toMillis());
        factory.setSocketTimeout((int) properties.readTimeout().toMillis());
        // The capability check is ours to do once, not HAPI's before every call.
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        if (!properties.usesSandbox()) {
            client.set(fhir.newRestfulGenericClient(properties.baseUrl()));
        }
    }

    @EventListener
    void onWebServerReady(WebServerInitializedEvent event) {
        // A separate management port fires this event too; the sandbox lives on the main one.
        if (properties.usesSandbox() && !"management".equals(event.getApplicationContext().getServerNamespace())) {
            client.compareAndSet(null, fhir.newRestfulGenericClient(
                    "http://127.0.0.1:" + event.getWebServer().getPort() + "/sandbox/fhir"));
        }
    }

    IGenericClient client() {
        IGenericClient c = client.get();
        if (c == null) {
            throw new IllegalStateException("EHR endpoint not ready: no bridge.ehr.base-url and the web server has not started");
        }
        return c;
    }

    String baseUrl() {
        IGenericClient c = client.get();
        return c == null ? "(not ready)" : c.getServerBase();
    }
}
