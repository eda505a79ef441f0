package org.annulus.bridge.intake;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.camel.Exchange;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The broker channel, called by the {@code intake-broker} route for each message: one message is one
 * document. The route acknowledges the message when it completes, so a message is acknowledged only once
 * its document is stored, or once it is on the rejected queue with the OperationOutcome saying why. When
 * the store is unavailable the exception goes back to the consumer and the message stays on the queue.
 */
@Component("brokerIntake")
public class BrokerIntake {

    public static final String SOURCE = "broker";
    /** The exchange property the route tests: set when the document was refused. */
    public static final String REFUSED = "bridgeRefused";
    /** Headers of a message on the rejected queue: the OperationOutcome (FHIR JSON) and the HTTP-equivalent status. */
    public static final String OUTCOME_HEADER = "bridge-operation-outcome";
    public static final String STATUS_HEADER = "bridge-refusal-status";
    /**
     * An AMQP header travels in one content-header frame (RabbitMQ's frame_max is 128 KiB by default):
     * an outcome beyond this keeps its first issues and says how many more there were.
     */
    static final int MAX_OUTCOME_CHARS = 32 * 1024;

    private static final Logger log = LoggerFactory.getLogger(BrokerIntake.class);

    private final DocumentIntake intake;
    private final FhirContext fhir;
    private final MeterRegistry meters;

    BrokerIntake(DocumentIntake intake, FhirContext fhir, MeterRegistry meters) {
        this.intake = intake;
        this.fhir = fhir;
        this.meters = meters;
    }

    /** Checks and stores the message body; a refusal is marked for the route's way to the rejected queue. */
    public void accept(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        IntakeResult result = intake.accept(body, SOURCE);
        if (result instanceof IntakeResult.Refused refused) {
            refuse(exchange, refused);
            log.warn("broker document refused (HTTP-equivalent {}); sent to the rejected queue with its reason",
                    refused.httpStatus());
        }
    }

    /** Marks an exchange refused: the OperationOutcome and status as headers, the body left as it came. */
    public void refuse(Exchange exchange, IntakeResult.Refused refused) {
        exchange.setProperty(REFUSED, true);
        exchange.getMessage().setHeader(OUTCOME_HEADER, outcomeHeader(refused.outcome()));
        exchange.getMessage().setHeader(STATUS_HEADER, String.valueOf(refused.httpStatus()));
    }

    /** The store could not take the document: said once per try, without the document; the message stays queued. */
    public void storeUnavailable(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        meters.counter("bridge.intake.documents", "source", SOURCE, "result", "store-unavailable").increment();
        log.warn("broker document not stored: the store is unavailable ({}); the message stays on the queue",
                cause == null ? "unknown" : cause.getClass().getSimpleName());
    }

    /**
     * Processing failed for another reason than the store (a defect): the message goes to the rejected queue
     * rather than coming back forever; the log has the cause, the outcome only its kind.
     */
    public void failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String kind = cause == null ? "unknown" : cause.getClass().getSimpleName();
        meters.counter("bridge.intake.documents", "source", SOURCE, "result", "failed").increment();
        log.warn("broker document failed ({}); sent to the rejected queue", kind);
        refuse(exchange, new IntakeResult.Refused(500, Problem.outcome(List.of(new Problem(IssueType.EXCEPTION, "$",
                "processing failed (" + kind + "); the bridge's log has the cause at this time; publish the message "
                        + "again once it is fixed")))));
    }

    String outcomeHeader(OperationOutcome outcome) {
        String encoded = fhir.newJsonParser().encodeResourceToString(outcome);
        int total = outcome.getIssue().size();
        int kept = total;
        while (encoded.length() > MAX_OUTCOME_CHARS && kept > 1) {
            kept = Math.max(1, kept * MAX_OUTCOME_CHARS / encoded.length() - 1);
            OperationOutcome shortened = new OperationOutcome();
            outcome.getIssue().subList(0, kept).forEach(i -> shortened.addIssue(i.copy()));
            shortened.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(IssueType.TOOCOSTLY)
                    .setDiagnostics((total - kept) + " more problems not listed here; POST the document to "
                            + "/api/v1/documents to see them all");
            encoded = fhir.newJsonParser().encodeResourceToString(shortened);
        }
        return encoded;
    }
}
