package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.annulus.bridge.sandbox.SandboxEhr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PHI stays out of the log even with the whole application, libraries included, at DEBUG: the three
 * examples go through REST and the file drop to the sandbox EHR, a refused and a malformed document and a
 * look at tracking, health and metrics follow, and the captured log (from before the context starts) is searched
 * for every patient-identifying and clinical-text value of the documents.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "logging.level.root=DEBUG")
@AutoConfigureObservability
@ExtendWith(OutputCaptureExtension.class)
class DebugLogPhiTest {

    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-phi-log-");
    static final List<String> EXAMPLES =
            List.of("candidacy-unilateral-left", "procedure-single-level", "milestone-normal-activity");

    /** The sandbox's demo-operator token; its value must not reach the log either. */
    TestRestTemplate http;

    String token;

    @Autowired
    void asOperator(TestRestTemplate template) {
        token = TestTokens.sandboxToken(template.getRootUri(), TestTokens.OPERATOR);
        http = TestTokens.withBearer(template, token);
    }

    @Autowired
    SandboxEhr ehr;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        DocumentFlowContract.workDirs(registry, WORK);
        registry.add(
                "spring.datasource.url",
                () -> "jdbc:h2:mem:bridge-phi-log;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        // The Tomcat access log with the default pattern, as a hospital would switch it on.
        registry.add("server.tomcat.accesslog.enabled", () -> "true");
        registry.add("server.tomcat.accesslog.directory", () -> WORK.resolve("access")
                .toString());
        registry.add("server.tomcat.accesslog.buffered", () -> "false");
    }

    @Test
    void aDebugRunOfTheExamplesLogsNoPhi(CapturedOutput output) throws IOException {
        List<String> trackingIds = new ArrayList<>();
        trackingIds.add(accepted(post(Fixtures.json(Fixtures.document(EXAMPLES.get(0))))));
        trackingIds.add(accepted(post(Fixtures.json(Fixtures.document(EXAMPLES.get(2))))));
        dropFile(Fixtures.document(EXAMPLES.get(1)));
        ObjectNode refused = Fixtures.document(EXAMPLES.get(0));
        refused.put("documentId", "CA-PHI-REFUSED");
        ((ObjectNode) refused.get("patient")).put("sex", "not-a-sex");
        assertThat(post(Fixtures.json(refused)).getStatusCode().value()).isEqualTo(422);
        // A parser error message would quote the offending token: here a name.
        assertThat(post("{\"kind\": \"candidacy-assessment\", \"patient\": {\"family\": Rivera}}")
                        .getStatusCode()
                        .value())
                .isEqualTo(400);

        for (String trackingId : trackingIds) {
            await().atMost(DocumentFlowContract.SYNC_WAIT)
                    .until(() -> "SYNCED".equals(track(trackingId).get("state").asText()));
        }
        await().atMost(DocumentFlowContract.SYNC_WAIT)
                .until(() -> DocumentFlowContract.filesIn(WORK.resolve("inbox").resolve("processed"), "dropped")
                                .size()
                        == 1);
        await().atMost(DocumentFlowContract.SYNC_WAIT).until(() -> ehr.all("Procedure").stream()
                .flatMap(r -> ((org.hl7.fhir.r4.model.Procedure) r).getIdentifier().stream())
                .anyMatch(i -> i.getValue().startsWith("procedure-note/")
                        && i.getValue().contains("/PN-2026-000045/")));
        String metrics = http.getForObject("/actuator/prometheus", String.class);
        http.getForObject("/actuator/health", String.class);

        assertThat(phiValues())
                .as("no PHI in metric names or labels")
                .noneMatch(v -> Pattern.compile(v).matcher(metrics).find());
        String accessLog = accessLog();
        assertThat(accessLog).as("the access log saw the sandbox searches").contains("GET /sandbox/fhir/Patient ");
        String log = output.getAll() + accessLog;
        assertThat(log).as("the capture saw the DEBUG run").contains("DEBUG").contains("SENDING -> SYNCED");
        assertThat(log).as("no bearer token in the log").doesNotContain(token);
        List<String> leaks = phiValues().stream()
                .filter(v -> Pattern.compile(v).matcher(log).find())
                .map(v -> v + "  in: " + firstLineWith(log, v))
                .toList();
        assertThat(leaks).as("PHI found in the DEBUG log").isEmpty();
    }

    /** Every PHI value of the three examples, as word-bounded patterns, plus the sandbox EHR's patient id. */
    static Set<String> phiValues() {
        Set<String> values = new LinkedHashSet<>();
        for (String name : EXAMPLES) {
            ObjectNode doc = Fixtures.document(name);
            JsonNode patient = doc.get("patient");
            values.add(word(patient.get("family").asText()));
            ((ArrayNode) patient.get("given")).forEach(g -> values.add(word(g.asText())));
            values.add(word(patient.get("mrn").asText()));
            values.add(word(patient.get("birthDate").asText()));
            for (String text : List.of("narrative", "note")) {
                if (doc.has(text)) {
                    fragments(doc.get(text).asText(), values);
                }
            }
            if (doc.has("determination")) {
                fragments(doc.get("determination").get("rationale").asText(), values);
            }
        }
        values.add(word("sbx-ana-rivera"));
        return values;
    }

    /** Free text as overlapping four-word fragments: a quoted sentence, even truncated, is found. */
    static void fragments(String text, Set<String> into) {
        String[] words = text.split("\\s+");
        for (int i = 0; i + 4 <= words.length; i += 2) {
            into.add(Pattern.quote(String.join(" ", List.of(words).subList(i, i + 4))));
        }
    }

    /** Bounded so that "Ana" is not found in "Analysis", yet an MRN is found in a URL-encoded "%7C448812". */
    static String word(String value) {
        String around = value.chars().allMatch(Character::isDigit) ? "\\d" : "\\p{L}";
        return "(?<!" + around + ")" + Pattern.quote(value) + "(?!" + around + ")";
    }

    static String firstLineWith(String log, String pattern) {
        Pattern p = Pattern.compile(pattern);
        return log.lines()
                .filter(l -> p.matcher(l).find())
                .findFirst()
                .map(l -> l.length() > 400 ? l.substring(0, 400) : l)
                .orElse("");
    }

    static String accessLog() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path file : DocumentFlowContract.filesIn(WORK.resolve("access"), "")) {
            all.append(Files.readString(file));
        }
        return all.toString();
    }

    void dropFile(ObjectNode doc) throws IOException {
        Path inbox = WORK.resolve("inbox");
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve("dropped-1.json.tmp");
        Files.writeString(tmp, Fixtures.json(doc));
        Files.move(tmp, inbox.resolve("dropped-1.json"));
    }

    ResponseEntity<String> post(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity("/api/v1/documents", new HttpEntity<>(body, headers), String.class);
    }

    String accepted(ResponseEntity<String> response) {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(202);
        return DocumentFlowContract.json(response.getBody()).get("trackingId").asText();
    }

    JsonNode track(String trackingId) {
        return DocumentFlowContract.json(http.getForEntity("/api/v1/documents/" + trackingId, String.class)
                .getBody());
    }
}
