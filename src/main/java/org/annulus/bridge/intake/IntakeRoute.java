package org.annulus.bridge.intake;

import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/** The channels' way to the {@code intake} route: a request-reply on {@code direct:intake}. */
@Component
class IntakeRoute implements IntakeChannel {

    private final ProducerTemplate producer;

    IntakeRoute(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public IntakeResult submit(byte[] body, String source, String submitter) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(SOURCE, source);
        if (submitter != null) {
            headers.put(SUBMITTER, submitter);
        }
        try {
            return producer.requestBodyAndHeaders(ENDPOINT, body, headers, IntakeResult.class);
        } catch (CamelExecutionException e) {
            // The route's own exception (e.g. the store down) is what the channel answers to.
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
