package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import org.annulus.bridge.sandbox.SandboxEhr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestTemplate;

/** The embedded default keeps everything across a restart: tracking state, history and the sandbox EHR. */
class RestartDurabilityTest {

    @TempDir
    Path work;

    @Test
    void stateAndEhrContentSurviveARestart() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        String trackingId;
        JsonNode before;
        int conditionsBefore;
        try (ConfigurableApplicationContext app = start()) {
            String base = baseUrl(app);
            HttpHeaders headers = new HttpHeaders();
            headers.setContentType(MediaType.APPLICATION_JSON);
            headers.setBearerAuth(TestTokens.sandboxToken(base, TestTokens.CLINIC));
            trackingId = new RestTemplate()
                    .postForObject(
                            base + "/api/v1/documents", new HttpEntity<>(Fixtures.json(doc), headers), JsonNode.class)
                    .get("trackingId")
                    .asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> "SYNCED"
                    .equals(track(base, trackingId).get("state").asText()));
            before = track(base, trackingId);
            conditionsBefore = app.getBean(SandboxEhr.class).count("Condition");
        }

        try (ConfigurableApplicationContext app = start()) {
            JsonNode after = track(baseUrl(app), trackingId);

            assertThat(after.get("state").asText()).isEqualTo("SYNCED");
            assertThat(after.get("history")).isEqualTo(before.get("history"));
            assertThat(after.get("resources")).isEqualTo(before.get("resources"));
            assertThat(app.getBean(SandboxEhr.class).count("Condition"))
                    .isEqualTo(conditionsBefore)
                    .isPositive();
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(BridgeApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=jdbc:h2:file:" + work.resolve("db/bridge")
                                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                        "--bridge.sandbox.data-dir=" + work.resolve("sandbox"),
                        "--bridge.intake.inbox=" + work.resolve("inbox"),
                        "--bridge.outbox.poll-interval=100");
    }

    private static String baseUrl(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    /** As the operator: the sandbox's signing key is new after a restart, so the token is fetched each time. */
    private static JsonNode track(String base, String trackingId) {
        HttpHeaders headers = new HttpHeaders();
        headers.setBearerAuth(TestTokens.sandboxToken(base, TestTokens.OPERATOR));
        return new RestTemplate()
                .exchange(
                        base + "/api/v1/documents/" + trackingId,
                        org.springframework.http.HttpMethod.GET,
                        new HttpEntity<>(headers),
                        JsonNode.class)
                .getBody();
    }
}
