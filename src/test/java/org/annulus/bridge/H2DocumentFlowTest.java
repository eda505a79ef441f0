package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.annulus.bridge.intake.BrokerIntakeProperties;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end flow on the embedded default store, H2; and, in the same context, broker intake against
 * the real RabbitMQ at 127.0.0.1:5672 on queues of this run's own (deleted when the context closes).
 */
@Import(SwitchableStore.class)
class H2DocumentFlowTest extends DocumentFlowContract {

    static final Path WORK = tempDir("bridge-h2-");
    static final String RUN_QUEUE = "annulus.documents.test-" + UUID.randomUUID().toString().substring(0, 8);
    static final int BROKER_ATTEMPTS = 2;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        workDirs(registry, WORK);
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:bridge-flow;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        registry.add("bridge.intake.broker.enabled", () -> "true");
        registry.add("bridge.intake.broker.queue", () -> RUN_QUEUE);
        registry.add("bridge.intake.broker.rejected-queue", () -> RUN_QUEUE + ".rejected");
        registry.add("bridge.intake.broker.attempts", () -> String.valueOf(BROKER_ATTEMPTS));
        registry.add("bridge.intake.broker.retry-delay", () -> "20ms");
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    BrokerIntakeProperties broker;

    @Autowired
    DataSource store;

    @Autowired
    MeterRegistry meters;

    @Override
    Path inbox() {
        return WORK.resolve("inbox");
    }

    @Test
    void aDocumentPublishedToTheQueueEndsSyncedWithSourceBroker() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");

        // The bridge's own exchange headers sent by a publisher are ignored: source and submitter are the bridge's.
        publish(Fixtures.json(doc), Map.of("bridgeSource", "api", "bridgeSubmitter", "demo-clinic"));

        String trackingId = awaitStored(doc.get("documentId").asText());
        JsonNode tracking = awaitState(trackingId, "SYNCED");
        assertThat(tracking.get("source").asText()).isEqualTo("broker");
        assertThat(states(tracking)).containsExactly("ACCEPTED", "MAPPED", "SENDING", "SYNCED");
        assertThat(jdbc.sql("select submitter from clinical_document where tracking_id = ?").param(trackingId)
                .query(String.class).list()).containsExactly((String) null);
        assertThat(conditionsWithIdentifier(Fixtures.identifier(doc, "condition-sciatica"))).hasSize(1);
    }

    @Test
    void aMessageBreakingTheContractLandsOnTheRejectedQueueWithItsReason() throws IOException {
        ObjectNode doc = Fixtures.fresh("milestone-normal-activity");
        doc.put("milestone", "walked-on-the-moon");
        String body = Fixtures.json(doc);

        publish(body, Map.of());

        Message rejected = rabbit.receive(broker.rejectedQueue(), SYNC_WAIT.toMillis());
        assertThat(rejected).as("a message on the rejected queue").isNotNull();
        assertThat(new String(rejected.getBody(), StandardCharsets.UTF_8)).isEqualTo(body);
        Map<String, Object> headers = rejected.getMessageProperties().getHeaders();
        assertThat(headers).containsEntry("bridge-refusal-status", "422");
        JsonNode outcome = JSON.readTree(String.valueOf(headers.get("bridge-operation-outcome")));
        assertThat(outcome.get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.get("issue").get(0).get("expression").get(0).asText()).isEqualTo("$.milestone");
        assertThat(storedVersions(doc.get("documentId").asText())).isZero();
    }

    @Test
    void noMessageIsLostWhileTheStoreIsDown() {
        SwitchableStore.Switch storeSwitch = (SwitchableStore.Switch) store;
        List<ObjectNode> docs = List.of(Fixtures.fresh("candidacy-unilateral-left"),
                Fixtures.fresh("procedure-single-level"), Fixtures.fresh("milestone-normal-activity"));
        double unavailableBefore = brokerCount("store-unavailable");
        double acceptedBefore = brokerCount("accepted");
        double failedBefore = brokerCount("failed");

        storeSwitch.down();
        try {
            docs.forEach(doc -> publish(Fixtures.json(doc), Map.of()));
            // More failed tries than first deliveries could hold: some message went back to the queue and came again.
            int tries = BROKER_ATTEMPTS * docs.size() + BROKER_ATTEMPTS;
            await().atMost(SYNC_WAIT).until(() -> brokerCount("store-unavailable") - unavailableBefore >= tries);
        } finally {
            storeSwitch.up();
        }

        for (ObjectNode doc : docs) {
            awaitState(awaitStored(doc.get("documentId").asText()), "SYNCED");
            assertThat(storedVersions(doc.get("documentId").asText())).isEqualTo(1);
        }
        assertThat(brokerCount("accepted") - acceptedBefore).as("each stored exactly once").isEqualTo(docs.size());
        assertThat(brokerCount("failed") - failedBefore).isZero();
        assertThat(rabbit.receive(broker.rejectedQueue())).as("nothing on the rejected queue").isNull();
    }

    private void publish(String body, Map<String, Object> headers) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        headers.forEach(properties::setHeader);
        rabbit.send("", broker.queue(), new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    private String awaitStored(String documentId) {
        await().atMost(SYNC_WAIT).until(() -> storedVersions(documentId) > 0);
        return jdbc.sql("select tracking_id from clinical_document where document_id = ?").param(documentId)
                .query(String.class).single();
    }

    private int storedVersions(String documentId) {
        return jdbc.sql("select count(*) from clinical_document where document_id = ?").param(documentId)
                .query(Integer.class).single();
    }

    private double brokerCount(String result) {
        Counter counter = meters.find("bridge.intake.documents").tag("source", "broker").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
