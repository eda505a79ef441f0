package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.annulus.bridge.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Access to every endpoint with the bridge pointed at a real EHR and an issuer: 401 without a valid
 * token, 403 with the wrong role (both OperationOutcomes), the right role gets through; an ingest
 * client reads only its own documents and never the EHR's quoted outcome; the sandbox is unreachable.
 */
class RealEhrAccessTest extends RealEhrContext {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);

    final String clinic = ISSUER.mint("clinic-a", Role.INGEST);
    final String otherClinic = ISSUER.mint("clinic-b", Role.INGEST);
    final String operator = ISSUER.mint("ops-desk", Role.OPERATE);
    final String auditor = ISSUER.mint("audit-office", Role.AUDIT);
    final String noRole = ISSUER.mint("someone", new Role[0]);

    /**
     * One endpoint of the API and who may call it. {@code call} makes the request with a given client;
     * {@code granted} is the status a permitted caller gets.
     */
    record Endpoint(
            String name, Set<Role> roles, Function<TestRestTemplate, ResponseEntity<String>> call, int granted) {}

    List<Endpoint> protectedEndpoints(String trackingId, String parkedId) {
        Set<Role> all = EnumSet.allOf(Role.class);
        Set<Role> operate = EnumSet.of(Role.OPERATE);
        return List.of(
                new Endpoint(
                        "POST /api/v1/documents",
                        EnumSet.of(Role.INGEST, Role.OPERATE),
                        http -> submit(http, Fixtures.fresh("candidacy-unilateral-left")),
                        202),
                new Endpoint(
                        "GET /api/v1/documents/{id}",
                        all,
                        http -> http.getForEntity("/api/v1/documents/" + trackingId, String.class),
                        200),
                new Endpoint(
                        "POST /api/v1/documents/{id}/patient",
                        operate,
                        http -> http.postForEntity(
                                "/api/v1/documents/" + parkedId + "/patient",
                                json("{\"patientId\": \"bad id!\"}"),
                                String.class),
                        422),
                new Endpoint(
                        "POST /api/v1/documents/{id}/replay",
                        operate,
                        http -> http.postForEntity("/api/v1/documents/no-such-document/replay", null, String.class),
                        404),
                new Endpoint(
                        "POST /api/v1/documents/{id}/release",
                        operate,
                        http -> http.postForEntity("/api/v1/documents/no-such-document/release", null, String.class),
                        404),
                new Endpoint(
                        "POST /api/v1/documents/replay?state=",
                        operate,
                        http -> http.postForEntity("/api/v1/documents/replay?state=REJECTED", null, String.class),
                        200),
                new Endpoint(
                        "GET /actuator/health", all, http -> http.getForEntity("/actuator/health", String.class), 200),
                new Endpoint(
                        "GET /actuator/health/ehr",
                        operate,
                        http -> http.getForEntity("/actuator/health/ehr", String.class),
                        200),
                new Endpoint(
                        "GET /actuator/prometheus",
                        operate,
                        http -> http.getForEntity("/actuator/prometheus", String.class),
                        200),
                new Endpoint(
                        "GET /actuator/metrics",
                        operate,
                        http -> http.getForEntity("/actuator/metrics", String.class),
                        200),
                new Endpoint(
                        "GET /actuator/info", operate, http -> http.getForEntity("/actuator/info", String.class), 200),
                new Endpoint(
                        "GET (unlisted path)",
                        operate,
                        http -> http.getForEntity("/api/v2/anything", String.class),
                        404));
    }

    @Test
    void everyProtectedEndpointAnswers401WithoutAToken403WithTheWrongRoleAndServesTheRightOne() {
        String trackingId = id(submit(as(clinic), Fixtures.fresh("candidacy-unilateral-left")));
        String parkedId = id(submit(as(clinic), unknownPatient()));
        TestRestTemplate expired = as(ISSUER.sign(ISSUER.claims("clinic-a", Role.OPERATE)
                .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                .build()));
        TestRestTemplate forged = as(ISSUER.signWithAnotherKey(
                ISSUER.claims("clinic-a", Role.OPERATE).build()));
        TestRestTemplate foreignIssuer = as(ISSUER.sign(ISSUER.claims("clinic-a", Role.OPERATE)
                .issuer("https://issuer.example.org")
                .build()));

        // /actuator/health includes Camel's consumer checks, DOWN until the file drop has polled once.
        TestRestTemplate operatorView = as(ISSUER.mint("operator-waiting", Role.OPERATE));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> operatorView
                        .getForEntity("/actuator/health", String.class)
                        .getStatusCode()
                        .is2xxSuccessful());
        for (Endpoint endpoint : protectedEndpoints(trackingId, parkedId)) {
            for (TestRestTemplate refused : List.of(anonymous, as("not-a-jwt"), expired, forged, foreignIssuer)) {
                ResponseEntity<String> response = endpoint.call().apply(refused);
                assertThat(response.getStatusCode().value())
                        .as(endpoint.name() + " " + response.getBody())
                        .isEqualTo(401);
                assertThat(response.getHeaders().getFirst("WWW-Authenticate"))
                        .as(endpoint.name())
                        .startsWith("Bearer");
                assertOutcome(response, "login");
            }
            for (Role role : Role.values()) {
                String token = ISSUER.mint("client-with-" + role.scope(), role);
                ResponseEntity<String> response = endpoint.call().apply(as(token));
                if (endpoint.roles().contains(role)) {
                    // another ingest client's document is not found for this one (its own: see below)
                    int expected = role == Role.INGEST && endpoint.name().equals("GET /api/v1/documents/{id}")
                            ? 404
                            : endpoint.granted();
                    assertThat(response.getStatusCode().value())
                            .as(endpoint.name() + " as " + role + ": " + response.getBody())
                            .isEqualTo(expected);
                } else {
                    assertThat(response.getStatusCode().value())
                            .as(endpoint.name() + " as " + role)
                            .isEqualTo(403);
                    assertThat(response.getHeaders().getFirst("WWW-Authenticate"))
                            .contains("insufficient_scope");
                    assertOutcome(response, "forbidden");
                    assertThat(diagnostics(response)).contains("needs the role").contains(role.scope());
                }
            }
            ResponseEntity<String> roleless = endpoint.call().apply(as(noRole));
            assertThat(roleless.getStatusCode().value())
                    .as(endpoint.name() + " without a bridge role")
                    .isEqualTo(403);
        }
    }

    @Test
    void publicEndpointsNeedNoToken() {
        assertThat(anonymous
                        .getForEntity("/actuator/health/liveness", String.class)
                        .getStatusCode()
                        .value())
                .isEqualTo(200);
        ResponseEntity<String> readiness = anonymous.getForEntity("/actuator/health/readiness", String.class);
        assertThat(readiness.getStatusCode().value()).isEqualTo(200);
        assertThat(tree(readiness.getBody()).fieldNames()).toIterable().containsExactly("status");
        assertThat(anonymous
                        .getForEntity("/.well-known/jwks.json", String.class)
                        .getStatusCode()
                        .value())
                .isEqualTo(200);
        assertThat(anonymous
                        .getForEntity("/api/v1/schemas/candidacy-assessment", String.class)
                        .getStatusCode()
                        .value())
                .isEqualTo(200);
    }

    @Test
    void anIngestClientSubmitsAndReadsOnlyItsOwnDocumentsWithoutTheEhrsOutcome() {
        String own = id(submit(as(clinic), Fixtures.fresh("candidacy-unilateral-left")));
        String others = id(submit(as(otherClinic), Fixtures.fresh("candidacy-unilateral-left")));
        awaitState(own, "DEAD");

        JsonNode ownTracking = tree(as(clinic)
                .getForEntity("/api/v1/documents/" + own, String.class)
                .getBody());
        ResponseEntity<String> othersTracking = as(clinic).getForEntity("/api/v1/documents/" + others, String.class);
        JsonNode asOperator = tree(as(operator)
                .getForEntity("/api/v1/documents/" + own, String.class)
                .getBody());
        JsonNode asAuditor = tree(as(auditor)
                .getForEntity("/api/v1/documents/" + others, String.class)
                .getBody());

        assertThat(ownTracking.path("state").asText()).isEqualTo("DEAD");
        assertThat(ownTracking.has("outcome"))
                .as("the EHR's OperationOutcome is for operators")
                .isFalse();
        assertThat(ownTracking.toString()).doesNotContain(QUOTED_BY_THE_EHR);
        assertThat(othersTracking.getStatusCode().value()).isEqualTo(404);
        assertOutcome(othersTracking, "not-found");
        assertThat(asOperator.path("outcome").toString()).contains(QUOTED_BY_THE_EHR);
        assertThat(asAuditor.path("trackingId").asText()).isEqualTo(others);
    }

    @Test
    void anOperatorReplaysAndChoosesThePatientOfAParkedDocument() {
        String dead = id(submit(as(clinic), Fixtures.fresh("candidacy-unilateral-left")));
        String parked = id(submit(as(clinic), unknownPatient()));
        awaitState(dead, "DEAD");
        awaitState(parked, "AWAITING_PATIENT_MATCH");

        ResponseEntity<String> byClinic =
                as(clinic).postForEntity("/api/v1/documents/" + dead + "/replay", null, String.class);
        ResponseEntity<String> replay =
                as(operator).postForEntity("/api/v1/documents/" + dead + "/replay", null, String.class);
        ResponseEntity<String> chosen = as(operator)
                .postForEntity(
                        "/api/v1/documents/" + parked + "/patient",
                        json("{\"patientId\": \"ehr-rivera\"}"),
                        String.class);

        assertThat(byClinic.getStatusCode().value()).isEqualTo(403);
        assertThat(replay.getStatusCode().value()).as(replay.getBody()).isEqualTo(202);
        assertThat(chosen.getStatusCode().value()).as(chosen.getBody()).isEqualTo(202);
        await().atMost(WAIT).until(() -> track(dead)
                .path("history")
                .findValuesAsText("reason")
                .toString()
                .contains("replayed by an operator"));
    }

    @Test
    void healthShowsDetailsToOperatorsOnlyAndNoSandbox() {
        JsonNode forOperator =
                tree(as(operator).getForEntity("/actuator/health", String.class).getBody());
        String forClinic =
                as(clinic).getForEntity("/actuator/health", String.class).getBody();
        String forAuditor =
                as(auditor).getForEntity("/actuator/health", String.class).getBody();

        assertThat(forOperator.path("components").path("ehr").path("details").toString())
                .contains(EHR.baseUrl())
                .contains("annulus-bridge-real-ehr-test");
        assertThat(forOperator.path("components").has("sandbox")).isFalse();
        for (String limited : List.of(forClinic, forAuditor)) {
            // the status, and the names of the probe groups; no components, no details
            assertThat(tree(limited).fieldNames()).toIterable().containsOnly("status", "groups");
            assertThat(limited)
                    .doesNotContain(EHR.baseUrl())
                    .doesNotContain("annulus-bridge-real-ehr-test")
                    .doesNotContain("system/");
        }
    }

    @Test
    void theSandboxIsUnreachableBesideARealEhr() {
        for (String path : List.of(
                "/sandbox/fhir/metadata", "/sandbox/fhir/Patient", "/sandbox/fhir/.well-known/smart-configuration")) {
            assertThat(anonymous
                            .getForEntity(path, String.class)
                            .getStatusCode()
                            .value())
                    .as(path)
                    .isEqualTo(401);
            assertThat(as(operator)
                            .getForEntity(path, String.class)
                            .getStatusCode()
                            .value())
                    .as(path)
                    .isEqualTo(404);
        }
        HttpHeaders form = new HttpHeaders();
        form.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        ResponseEntity<String> devToken = anonymous.postForEntity(
                "/sandbox/auth/token",
                new HttpEntity<>(
                        "grant_type=client_credentials&client_id=demo-operator&client_secret=demo-operator-secret",
                        form),
                String.class);
        assertThat(devToken.getStatusCode().value()).isEqualTo(401);
        assertThat(devToken.getBody()).doesNotContain("access_token");
    }

    @Test
    void aTokenIsReadFromTheAuthorizationHeaderOnlyNeverFromACookieOrTheQuery() {
        HttpHeaders cookie = new HttpHeaders();
        cookie.add(HttpHeaders.COOKIE, "access_token=" + operator);

        ResponseEntity<String> viaCookie =
                anonymous.exchange("/actuator/metrics", HttpMethod.GET, new HttpEntity<>(cookie), String.class);
        ResponseEntity<String> viaQuery =
                anonymous.getForEntity("/actuator/metrics?access_token=" + operator, String.class);
        ResponseEntity<String> header = as(operator).getForEntity("/actuator/metrics", String.class);

        assertThat(viaCookie.getStatusCode().value()).isEqualTo(401);
        assertThat(viaQuery.getStatusCode().value()).isEqualTo(401);
        assertThat(header.getStatusCode().value()).isEqualTo(200);
        assertThat(header.getHeaders().get(HttpHeaders.SET_COOKIE))
                .as("stateless: no session cookie")
                .isNull();
    }

    @Test
    void requestsForAnotherHostNameAreRefusedWithAnOperationOutcome() throws IOException {
        String foreign = rawGet("/api/v1/schemas/candidacy-assessment", "rebound.attacker.example");
        String allowed = rawGet("/api/v1/schemas/candidacy-assessment", ALLOWED_HOST);

        assertThat(foreign)
                .startsWith("HTTP/1.1 400")
                .contains("application/fhir+json")
                .contains("\"http.Host\"")
                .contains("\"security\"");
        assertThat(allowed).startsWith("HTTP/1.1 200");
    }

    // --- helpers

    /** A GET with a Host header of our choosing (HTTP clients will not send a false one). */
    String rawGet(String path, String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static ObjectNode unknownPatient() {
        ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
        ((ObjectNode) doc.get("patient")).put("mrn", "000000");
        return doc;
    }

    static ResponseEntity<String> submit(TestRestTemplate http, ObjectNode doc) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.postForEntity("/api/v1/documents", new HttpEntity<>(Fixtures.json(doc), headers), String.class);
    }

    static String id(ResponseEntity<String> accepted) {
        assertThat(accepted.getStatusCode().value()).as(accepted.getBody()).isEqualTo(202);
        return tree(accepted.getBody()).path("trackingId").asText();
    }

    static HttpEntity<String> json(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(body, headers);
    }

    JsonNode track(String trackingId) {
        return tree(as(operator)
                .getForEntity("/api/v1/documents/" + trackingId, String.class)
                .getBody());
    }

    void awaitState(String trackingId, String state) {
        await().atMost(WAIT)
                .until(() -> state.equals(track(trackingId).path("state").asText()));
    }

    static void assertOutcome(ResponseEntity<String> response, String code) {
        assertThat(response.getHeaders().getContentType().toString()).startsWith("application/fhir+json");
        JsonNode outcome = tree(response.getBody());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").path(0).path("code").asText()).isEqualTo(code);
        if (!"not-found".equals(code)) {
            assertThat(outcome.path("issue").path(0).path("expression").path(0).asText())
                    .isEqualTo("http.Authorization");
        }
    }

    static String diagnostics(ResponseEntity<String> response) {
        return tree(response.getBody())
                .path("issue")
                .path(0)
                .path("diagnostics")
                .asText();
    }

    static JsonNode tree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
