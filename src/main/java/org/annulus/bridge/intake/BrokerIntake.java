package org.annulus.bridge.intake;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.annulus.bridge.outcome.Problem;
import org.apache.camel.Exchange;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The broker channel's steps in the {@code intake-broker} route (camel-routes/intake-broker.yaml): one
 * message is one document, handed to the {@code intake} route like any other. The route acknowledges the
 * message when it completes, so a message is acknowledged only once its document is stored, or once it is
 * on the rejected queue with the OperationOutcome saying why. When the store is unavailable the exception
 * goes back to the consumer and the message stays on the queue.
 */
@Component("brokerIntake")
public class BrokerIntake {

    static final String SOURCE = "broker";
    /** Exchange property (set by the route): the message body as it came. */
    static final String DOCUMENT = "bridgeDocument";
    /** Headers of a message on the rejected queue: the OperationOutcome (FHIR JSON) and the HTTP-equivalent status. */
    public static final String OUTCOME_HEADER = "bridge-operation-outcome";

    public static final String STATUS_HEADER = "bridge-refusal-status";
    /**
     * An AMQP header travels in one content-header frame (RabbitMQ's frame_max is 128 KiB by default):
     * an outcome beyond this keeps its first issues and says how many more there were.
     */
    static final int MAX_OUTCOME_CHARS = 32 * 1024;

    private static final Logger log = LoggerFactory.getLogger(BrokerIntake.class);

    private final FhirContext fhir;
    private final MeterRegistry meters;

    BrokerIntake(FhirContext fhir, MeterRegistry meters) {
        this.fhir = fhir;
        this.meters = meters;
    }

    /**
     * After the {@code intake} route refused the document: the message for the rejected queue is the
     * document as it came, with the OperationOutcome and the HTTP-equivalent status as headers.
     */
    public void refused(Exchange exchange) {
        IntakeResult.Refused refused = exchange.getMessage().getBody(IntakeResult.Refused.class);
        if (refused.httpStatus() != 500) {
            log.warn(
                    "broker document refused (HTTP-equivalent {}); to the rejected queue with its reason",
                    refused.httpStatus());
        }
        Object document = exchange.getProperty(DOCUMENT);
        if (document != null) {
            exchange.getMessage().setBody(document);
        }
        exchange.getMessage().setHeader(OUTCOME_HEADER, outcomeHeader(refused.outcome()));
        exchange.getMessage().setHeader(STATUS_HEADER, String.valueOf(refused.httpStatus()));
    }

    /**
     * The store could not take the document: said once per try, without the document, and raised again so
     * that the route fails and the message stays on the queue.
     */
    public void storeUnavailable(Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        meters.counter("bridge.intake.documents", "source", SOURCE, "result", "store-unavailable")
                .increment();
        log.warn(
                "broker document not stored: the store is unavailable ({}); the message stays on the queue",
                cause == null ? "unknown" : cause.getClass().getSimpleName());
        throw cause != null ? cause : new IllegalStateException("store unavailable");
    }

    /**
     * Processing failed for another reason than the store (a defect): answered as a refusal with a
     * processing-failed outcome, so the message goes to the rejected queue rather than coming back forever.
     * The log has the cause's kind; the outcome too, never its message (it could quote the document).
     */
    public IntakeResult.Refused failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String kind = cause == null ? "unknown" : cause.getClass().getSimpleName();
        meters.counter("bridge.intake.documents", "source", SOURCE, "result", "failed")
                .increment();
        log.warn("broker document failed ({}); to the rejected queue", kind);
        return new IntakeResult.Refused(
                500,
                Problem.outcome(List.of(new Problem(
                        IssueType.EXCEPTION,
                        "$",
                        "processing failed (" + kind
                                + "); the bridge's log has the cause at this time; publish the message "
                                + "again once it is fixed"))));
    }

    String outcomeHeader(OperationOutcome outcome) {
        String encoded = fhir.newJsonParser().encodeResourceToString(outcome);
        int total = outcome.getIssue().size();
        int kept = total;
        while (encoded.length() > MAX_OUTCOME_CHARS && kept > 1) {
            kept = Math.max(1, kept * MAX_OUTCOME_CHARS / encoded.length() - 1);
            OperationOutcome shortened = new OperationOutcome();
            outcome.getIssue().subList(0, kept).forEach(i -> shortened.addIssue(i.copy()));
            shortened
                    .addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(IssueType.TOOCOSTLY)
                    .setDiagnostics((total - kept) + " more problems not listed here; POST the document to "
                            + "/api/v1/documents to see them all");
            encoded = fhir.newJsonParser().encodeResourceToString(shortened);
        }
        return encoded;
    }
}
