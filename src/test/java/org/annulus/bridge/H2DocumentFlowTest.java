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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.annulus.bridge.intake.BrokerIntakeProperties;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end flow on the embedded default store, H2; in the same context, broker intake against
 * the real RabbitMQ at 127.0.0.1:5672 on queues of this run's own (deleted when the context closes),
 * and the one browser test (the auditor's trace page).
 */
@Import(SwitchableStore.class)
class H2DocumentFlowTest extends DocumentFlowContract {

    static final Path WORK = tempDir("bridge-h2-");
    static final String RUN_QUEUE =
            "annulus.documents.test-" + UUID.randomUUID().toString().substring(0, 8);
    static final int BROKER_ATTEMPTS = 2;
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOT = Path.of("target", "audit-trace-page.png");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        workDirs(registry, WORK);
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:mem:bridge-flow;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
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
        assertThat(jdbc.sql("select submitter from clinical_document where tracking_id = ?")
                        .param(trackingId)
                        .query(String.class)
                        .list())
                .containsExactly((String) null);
        assertThat(conditionsWithIdentifier(Fixtures.identifier(doc, "condition-sciatica")))
                .hasSize(1);
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
        assertThat(outcome.get("issue").get(0).get("expression").get(0).asText())
                .isEqualTo("$.milestone");
        assertThat(storedVersions(doc.get("documentId").asText())).isZero();
    }

    @Test
    void noMessageIsLostWhileTheStoreIsDown() {
        SwitchableStore.Switch storeSwitch = (SwitchableStore.Switch) store;
        List<ObjectNode> docs = List.of(
                Fixtures.fresh("candidacy-unilateral-left"),
                Fixtures.fresh("procedure-single-level"),
                Fixtures.fresh("milestone-normal-activity"));
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
        assertThat(brokerCount("accepted") - acceptedBefore)
                .as("each stored exactly once")
                .isEqualTo(docs.size());
        assertThat(brokerCount("failed") - failedBefore).isZero();
        assertThat(rabbit.receive(broker.rejectedQueue()))
                .as("nothing on the rejected queue")
                .isNull();
    }

    private void publish(String body, Map<String, Object> headers) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        headers.forEach(properties::setHeader);
        rabbit.send("", broker.queue(), new Message(body.getBytes(StandardCharsets.UTF_8), properties));
    }

    private String awaitStored(String documentId) {
        await().atMost(SYNC_WAIT).until(() -> storedVersions(documentId) > 0);
        return jdbc.sql("select tracking_id from clinical_document where document_id = ?")
                .param(documentId)
                .query(String.class)
                .single();
    }

    private int storedVersions(String documentId) {
        return jdbc.sql("select count(*) from clinical_document where document_id = ?")
                .param(documentId)
                .query(Integer.class)
                .single();
    }

    private double brokerCount(String result) {
        Counter counter = meters.find("bridge.intake.documents")
                .tag("source", "broker")
                .tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Issue 14, point 6, in a real browser: Debian's headless Chromium through /usr/bin/chromedriver
     * (Selenium Manager never runs: the driver is given). The page takes bearer tokens only, so the test
     * sets the Authorization header through the DevTools protocol ({@code Network.setExtraHTTPHeaders},
     * sent through chromedriver's own CDP endpoint, which works whatever the Chromium version).
     */
    @Test
    void theTracePageShowsTheChainInChromium() throws IOException {
        ObjectNode v1 = Fixtures.fresh("candidacy-unilateral-left");
        syncOrFail(v1);
        ObjectNode v2 = v1.deepCopy();
        v2.put("version", 2).put("status", "amended").put("odi", 40);
        syncOrFail(v2);
        String documentId = v1.get("documentId").asText();
        String page = "http://127.0.0.1:" + port + "/audit/trace?documentId=" + documentId;
        assertThat(anonymous.getForEntity(page, String.class).getStatusCode().value())
                .isEqualTo(401);
        assertThat(http.getForEntity(page, String.class).getStatusCode().value())
                .as("operator")
                .isEqualTo(403);
        String auditorToken = TestTokens.sandboxToken("http://127.0.0.1:" + port, TestTokens.AUDITOR);

        ChromeDriver browser = chromium();
        try {
            browser.executeCdpCommand("Network.enable", Map.of());
            browser.executeCdpCommand(
                    "Network.setExtraHTTPHeaders",
                    Map.of("headers", Map.of("Authorization", "Bearer " + auditorToken)));

            browser.get(page);

            assertThat(browser.getTitle()).contains(documentId);
            assertThat(browser.findElement(By.id("verification")).getText()).contains("Audit log: OK");
            List<WebElement> versions = browser.findElements(By.cssSelector("section.version"));
            assertThat(versions).hasSize(2);
            assertThat(versions.get(0).getText())
                    .contains("Version 1 · final", "SYNCED", "source matches", "Validation: passed", "Attempt 1");
            assertThat(versions.get(1).getText()).contains("Version 2 · amended");
            List<WebElement> ehrLinks = browser.findElements(By.cssSelector("a.ehr"));
            assertThat(ehrLinks).isNotEmpty();
            assertThat(ehrLinks)
                    .extracting(a -> a.getDomAttribute("href"))
                    .allMatch(href -> href.matches("/sandbox/fhir/[A-Za-z]+/[A-Za-z0-9.-]+/_history/[0-9]+"));
            assertThat(browser.getPageSource()).doesNotContain("448812", "Rivera", "1979-06-14");
            Files.createDirectories(SCREENSHOT.getParent());
            Files.copy(
                    browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);

            // a link on the page leads to the EHR's version of the resource (the sandbox's public reads; a browser
            // would download the FHIR JSON rather than show it, so the link is followed without it)
            String condition = ehrLinks.stream()
                    .map(a -> a.getDomAttribute("href"))
                    .filter(href -> href.startsWith("/sandbox/fhir/Condition/"))
                    .findFirst()
                    .orElseThrow();
            ResponseEntity<String> linked = anonymous.getForEntity(condition, String.class);
            assertThat(linked.getStatusCode().value()).isEqualTo(200);
            assertThat(json(linked.getBody()).get("resourceType").asText()).isEqualTo("Condition");
        } finally {
            browser.quit();
        }
        ResponseEntity<String> unknown = TestTokens.sandbox(anonymous, TestTokens.AUDITOR)
                .getForEntity("/audit/trace?documentId=no-such-document", String.class);
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
    }

    static ChromeDriver chromium() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1280,2200",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile-"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }
}
