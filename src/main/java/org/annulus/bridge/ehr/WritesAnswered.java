package org.annulus.bridge.ehr;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.client.api.ClientResponseContext;
import java.util.Set;

/**
 * Whether the EHR took one of this thread's writes (POST, PUT: 2xx) since the send began. One send is
 * many requests: a send that failed after the EHR took some of its writes met a flaky answer, not a
 * down EHR, and must not count toward opening the circuit breaker (at 20 % flaky answers nearly every
 * send of a dozen resources fails somewhere, and the breaker would hold everything back half a minute
 * at a time).
 */
@Interceptor
final class WritesAnswered {

    private static final Set<String> WRITES = Set.of("POST", "PUT");

    private final ThreadLocal<Boolean> taken = ThreadLocal.withInitial(() -> false);

    @Hook(value = Pointcut.CLIENT_RESPONSE, order = 1000)
    public void remember(ClientResponseContext context) {
        int status = context.getHttpResponse().getStatus();
        if (status >= 200
                && status < 300
                && WRITES.contains(context.getHttpRequest().getHttpVerbName())) {
            taken.set(true);
        }
    }

    /** A send begins on this thread. */
    void forget() {
        taken.set(false);
    }

    boolean anyTaken() {
        return taken.get();
    }
}
