package org.annulus.bridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.matching.MatchResult;
import com.github.tomakehurst.wiremock.matching.ValueMatcher;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.annulus.jpaserver.JpaFhirServerProcess;

/**
 * WireMock in front of the HAPI FHIR JPA server, forwarding {@code /fhir/**} and injecting faults by
 * stubs of a higher priority: an outage (503 with Retry-After, connection resets), flaky answers (503 or a
 * reset before forwarding, or an answer lost after the server applied the write), a slow EHR (writes
 * answered after a delay). It also serves the SMART token endpoint and the test issuer of the bridge's API
 * tokens. Its request journal tells what reached the server. For the chaos test and the chaos run.
 */
public final class FaultyEhrProxy implements AutoCloseable {

    /** The proxy stub's priority: every fault stub comes first. */
    private static final int FORWARD = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FHIR = "/fhir/.*|/fhir";

    private final WireMockServer server;
    private final String origin;
    private final TestTokens issuer;
    private final Random random;
    private final List<StubMapping> faults = new ArrayList<>();

    private FaultyEhrProxy(WireMockServer server, String origin, long seed) {
        this.server = server;
        this.origin = origin;
        this.random = new Random(seed);
        this.issuer = TestTokens.servedBy(server);
    }

    /** Starts the proxy on 127.0.0.1 for the server at {@code fhirBase} ({@code http://host:port/fhir}), healthy. */
    public static FaultyEhrProxy start(String fhirBase, long seed) {
        WireMockServer server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(40)
                .extensions(new EpicLikeSyncTest.LostAnswer()));
        server.start();
        FaultyEhrProxy proxy = new FaultyEhrProxy(server, fhirBase.replaceAll("/fhir/?$", ""), seed);
        server.stubFor(any(urlPathMatching(FHIR))
                .atPriority(FORWARD)
                .willReturn(aResponse().proxiedFrom(proxy.origin)));
        server.stubFor(post("/token").willReturn(okJson("""
                {"access_token": "chaos-token", "token_type": "bearer", "expires_in": 300}
                """).withHeader("Cache-Control", "no-store")));
        return proxy;
    }

    public String fhirBase() {
        return server.baseUrl() + "/fhir";
    }

    public String tokenUrl() {
        return server.baseUrl() + "/token";
    }

    /** The issuer of the bridge's API tokens ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}). */
    public TestTokens issuer() {
        return issuer;
    }

    /**
     * The settings of a bridge on PostgreSQL (schema {@code schema}) sending through this proxy, sandbox
     * off, its key and inbox under {@code work}; the outbox settings given are added.
     */
    public List<String> bridgeSettings(Path work, String schema, String run, List<String> outbox) {
        List<String> settings = new ArrayList<>(BridgeProcess.onPostgres(schema));
        settings.addAll(List.of(
                "--bridge.sandbox.enabled=false",
                "--bridge.intake.inbox=" + work.resolve("inbox-" + run),
                "--bridge.ehr.base-url=" + fhirBase(),
                "--bridge.ehr.client-id=annulus-bridge-chaos",
                "--bridge.ehr.private-key=" + TestKeys.bridgeKey(work),
                "--bridge.ehr.token-url=" + tokenUrl(),
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuer.issuer(),
                "--bridge.outbox.poll-interval=100"));
        settings.addAll(outbox);
        return settings;
    }

    /** Every request forwarded as it is. */
    public synchronized void healthy() {
        faults.forEach(server::removeStub);
        faults.clear();
    }

    /** The EHR down: 503 with Retry-After 1 s, and one request in four reset instead; nothing reaches it. */
    public synchronized void outage() {
        healthy();
        fault(any(urlPathMatching(FHIR)).atPriority(1).andMatching(chance(0.25)), resetConnection());
        fault(any(urlPathMatching(FHIR)).atPriority(2), unavailable());
    }

    /**
     * Of every FHIR request, {@code rate} fail: a third answered 503 before forwarding, a third reset before
     * forwarding, a third of the writes (POST, PUT) forwarded and applied by the server, their answer then
     * lost (503 after the write: EpicLikeSyncTest.LostAnswer).
     */
    public synchronized void flaky(double rate) {
        healthy();
        double third = rate / 3;
        fault(any(urlPathMatching(FHIR)).atPriority(1).andMatching(chance(third)), unavailable());
        fault(any(urlPathMatching(FHIR)).atPriority(2).andMatching(chance(third / (1 - third))), resetConnection());
        for (MappingBuilder write : List.of(post(urlPathMatching(FHIR)), put(urlPathMatching(FHIR)))) {
            fault(
                    write.atPriority(3).andMatching(chance(third / (1 - 2 * third))),
                    aResponse().proxiedFrom(origin).withTransformers(EpicLikeSyncTest.LostAnswer.NAME));
        }
    }

    /** Writes (POST, PUT) forwarded and answered only after {@code delay}: an EHR slower than the lease. */
    public synchronized void slowWrites(Duration delay) {
        healthy();
        for (MappingBuilder write : List.of(post(urlPathMatching(FHIR)), put(urlPathMatching(FHIR)))) {
            fault(write.atPriority(1), aResponse().proxiedFrom(origin).withFixedDelay((int) delay.toMillis()));
        }
    }

    private void fault(MappingBuilder request, ResponseDefinitionBuilder answer) {
        faults.add(server.stubFor(request.withId(UUID.randomUUID()).willReturn(answer)));
    }

    /**
     * True for a share of the requests. Each stub's matcher is asked once per request that reaches it, so
     * the shares of stubs asked in turn multiply: {@link #flaky}'s rates are set for that.
     */
    private ValueMatcher<Request> chance(double share) {
        return request -> {
            synchronized (random) {
                return MatchResult.of(random.nextDouble() < share);
            }
        };
    }

    private static ResponseDefinitionBuilder unavailable() {
        return aResponse()
                .withStatus(503)
                .withHeader("Retry-After", "1")
                .withHeader("Content-Type", "application/fhir+json")
                .withBody("""
                        {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"transient",\
                        "diagnostics":"injected 503"}]}""");
    }

    private static ResponseDefinitionBuilder resetConnection() {
        return aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
    }

    /** Forgets the requests seen so far. */
    public void forgetRequests() {
        server.resetRequests();
    }

    /** What the proxy did with the FHIR requests it saw, by kind of answer. */
    public Map<String, Integer> figures() {
        Map<String, Integer> figures = new TreeMap<>();
        for (ServeEvent event : server.getAllServeEvents()) {
            if (event.getRequest().getUrl().startsWith("/fhir")) {
                figures.merge(kindOf(event), 1, Integer::sum);
            }
        }
        return figures;
    }

    private static String kindOf(ServeEvent event) {
        if (event.getResponseDefinition().getFault() != null) {
            return "reset before forwarding";
        }
        if (!event.getResponseDefinition().isProxyResponse()) {
            return "503 before forwarding";
        }
        if (event.getResponseDefinition().getTransformers() != null
                && event.getResponseDefinition().getTransformers().contains(EpicLikeSyncTest.LostAnswer.NAME)) {
            return "answer lost after forwarding";
        }
        return "forwarded";
    }

    /** When the first and the last request the proxy refused (did not forward) came in, if any. */
    public List<Instant> refusedBetween() {
        List<Instant> refused = server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/fhir"))
                .filter(e -> !e.getResponseDefinition().isProxyResponse())
                .map(e -> e.getRequest().getLoggedDate().toInstant())
                .sorted()
                .toList();
        return refused.isEmpty() ? List.of() : List.of(refused.get(0), refused.get(refused.size() - 1));
    }

    /**
     * For each bridge business identifier: how many creates of a resource carrying it reached the EHR
     * (POSTs forwarded, a transaction's POST entries counted one by one).
     */
    public Map<String, Integer> createsReachingTheEhr() {
        Map<String, Integer> creates = new TreeMap<>();
        for (ServeEvent event : server.getAllServeEvents()) {
            if (!"POST".equals(event.getRequest().getMethod().getName())
                    || !event.getRequest().getUrl().startsWith("/fhir")
                    || !event.getResponseDefinition().isProxyResponse()
                    || event.getRequest().getUrl().contains("_search")) {
                continue;
            }
            for (JsonNode created : created(event.getRequest().getBodyAsString())) {
                for (JsonNode identifier : created.path("identifier")) {
                    if (JpaFhirServerProcess.BRIDGE_SID.equals(
                            identifier.path("system").asText())) {
                        creates.merge(identifier.path("value").asText(), 1, Integer::sum);
                    }
                }
            }
        }
        return creates;
    }

    private static List<JsonNode> created(String body) {
        try {
            JsonNode resource = JSON.readTree(body);
            if (resource == null || !resource.isObject()) {
                return List.of();
            }
            if (!"Bundle".equals(resource.path("resourceType").asText())) {
                return List.of(resource);
            }
            List<JsonNode> created = new ArrayList<>();
            for (JsonNode entry : resource.path("entry")) {
                if ("POST".equals(entry.path("request").path("method").asText())) {
                    created.add(entry.path("resource"));
                }
            }
            return created;
        } catch (IOException notJson) {
            return List.of();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
