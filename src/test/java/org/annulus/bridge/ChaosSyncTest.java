package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.annulus.bridge.security.Role;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Issue 13's bad day at process level: the bridge as a separate process on PostgreSQL, the HAPI FHIR
 * JPA server behind a fault-injecting WireMock proxy ({@link FaultyEhrProxy}). Retry is by time
 * (retry-for 10 min, backoff 200 ms to 1 s, breaker open 5 s), so an outage of 12 s already outlasts what the old
 * count budget (8 attempts) would have allowed at these backoffs, and spans the circuit breaker's open
 * time: nothing may end DEAD. Then flaky answers, resets and answers lost after the write: everything
 * SYNCED, each business identifier once in the EHR. Then a second instance on the same store and an EHR
 * slower than the lease: no create reaches the EHR twice. One JPA server, one proxy and the first
 * bridge process serve the whole class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSyncTest {

    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-chaos-");
    static final String SCHEMA = "bridge_chaos_" + ProcessHandle.current().pid();
    static final Set<String> ON_THE_WAY = Set.of("ACCEPTED", "MAPPED", "SENDING", "RETRY_SCHEDULED");
    /** The breaker's open time here (bridge.ehr.breaker-open; 30 s by default), so the test need not wait 30 s. */
    static final Duration BREAKER_OPEN = Duration.ofSeconds(5);
    /** Longer than the breaker's open time: the outage outlasts at least one failed probe. */
    static final Duration OUTAGE = Duration.ofSeconds(12);
    /** The lease, and the EHR's answer time to writes in the two-instance case: slower than the lease. */
    static final Duration LEASE = Duration.ofSeconds(2);

    static final Duration SLOW_WRITE = Duration.ofSeconds(3);

    /** Launched when the class loads, so its start-up overlaps the bridge's. */
    @RegisterExtension
    static final JpaFhirServerProcess EHR = JpaFhirServerProcess.launch(WORK.resolve("ehr"), JvmProcess.freePort());

    static FaultyEhrProxy proxy;
    static BridgeProcess first;
    static BridgeProcess second;
    static JdbcClient db;
    static String token;

    @BeforeAll
    static void start() {
        proxy = FaultyEhrProxy.start(EHR.baseUrl(), 13);
        token = proxy.issuer().mint("chaos-test", Role.OPERATE);
        first = bridge("first"); // starts while the JPA server does
        EHR.awaitReady(Duration.ofSeconds(180));
        TestPatients.LOAD_RUN.forEach(EHR::seedPatient);
        first.awaitReady(Duration.ofSeconds(180));
        db = JdbcClient.create(new DriverManagerDataSource(
                "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA, BridgeProcess.PG_USER, ""));
    }

    @AfterAll
    static void stop() {
        for (BridgeProcess bridge : new BridgeProcess[] {first, second}) {
            if (bridge != null) {
                bridge.kill();
            }
        }
        if (proxy != null) {
            proxy.close();
        }
        if (db != null) {
            db.sql("drop schema if exists " + SCHEMA + " cascade").update();
        }
    }

    @Test
    @Order(1)
    void anOutageThenFlakyResetAndLostAnswersEndEveryDocumentSyncedAndWrittenOnce() {
        proxy.outage();
        List<String> trackingIds = submit(first, 20);

        await().atMost(OUTAGE.plusSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    List<java.time.Instant> refused = proxy.refusedBetween();
                    return refused.size() == 2
                            && Duration.between(refused.get(0), refused.get(1)).compareTo(OUTAGE) >= 0;
                });
        Map<String, Integer> afterOutage = states();
        Map<String, Integer> outageFigures = proxy.figures();
        assertThat(afterOutage).as("states at the end of the outage").doesNotContainKeys("DEAD", "SYNCED");
        assertThat(outageFigures)
                .as("what the proxy did in the outage")
                .containsKeys("503 before forwarding", "reset before forwarding");

        proxy.flaky(0.2);
        await().atMost(Duration.ofSeconds(240))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> ON_THE_WAY.stream().noneMatch(states()::containsKey));
        Map<String, Integer> figures = proxy.figures();
        proxy.healthy();
        System.out.printf(
                "chaos test: outage %s, states then %s; proxy %s; end states %s%n",
                outageFigures, afterOutage, figures, states());

        assertThat(states()).as("end states").isEqualTo(Map.of("SYNCED", trackingIds.size()));
        assertThat(figures).as("flaky phase").containsKeys("answer lost after forwarding", "reset before forwarding");
        assertWrittenOnce();
    }

    @Test
    @Order(2)
    void twoInstancesWithAnEhrSlowerThanTheLeaseSendNothingTwice() {
        proxy.healthy();
        second = bridge("second").awaitReady(Duration.ofSeconds(180));
        proxy.forgetRequests();
        proxy.slowWrites(SLOW_WRITE);
        int before = states().getOrDefault("SYNCED", 0);
        List<String> trackingIds = new ArrayList<>(submit(first, 5));
        trackingIds.addAll(submit(second, 5));

        Set<String> leaseHolders = new java.util.HashSet<>();
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    leaseHolders.addAll(
                            db.sql("select distinct lease_owner from clinical_document where lease_owner is not null")
                                    .query(String.class)
                                    .list());
                    return ON_THE_WAY.stream().noneMatch(states()::containsKey);
                });
        Map<String, Integer> creates = proxy.createsReachingTheEhr();
        proxy.healthy();

        assertThat(states()).as("end states").isEqualTo(Map.of("SYNCED", before + trackingIds.size()));
        assertThat(creates).as("creates that reached the EHR").isNotEmpty();
        assertThat(creates)
                .as("creates per business identifier that reached the EHR")
                .allSatisfy(
                        (identifier, count) -> assertThat(count).as(identifier).isEqualTo(1));
        assertThat(leaseHolders).as("instances seen holding a lease").hasSizeGreaterThanOrEqualTo(2);
        assertWrittenOnce();
    }

    /** A business identifier names one resource of its type in the EHR. */
    private static void assertWrittenOnce() {
        for (String type : List.of(
                "Condition", "Observation", "Procedure", "DocumentReference", "CarePlan", "Goal", "Provenance")) {
            EHR.resourcesByBridgeIdentifier(type)
                    .forEach((identifier, ids) ->
                            assertThat(ids).as(type + " " + identifier).hasSize(1));
        }
        assertThat(EHR.count("Condition")).as("conditions written").isPositive();
    }

    private static BridgeProcess bridge(String run) {
        List<String> settings = proxy.bridgeSettings(
                WORK,
                SCHEMA,
                run,
                List.of(
                        "--bridge.outbox.lease=" + LEASE.toMillis() + "ms",
                        "--bridge.outbox.retry-for=10m",
                        "--bridge.outbox.backoff-base=200ms",
                        "--bridge.outbox.backoff-max=1s",
                        "--bridge.ehr.breaker-open=" + BREAKER_OPEN.toSeconds() + "s",
                        // an unanswered create counts as not made only 2 x read-timeout after its intent
                        "--bridge.ehr.read-timeout=5s"));
        return BridgeProcess.start(WORK.resolve(run + ".log"), JvmProcess.freePort(), List.of("-Xmx512m"), settings);
    }

    /** Candidacy assessments round robin over the load-run patients; their tracking ids. */
    private static List<String> submit(BridgeProcess bridge, int count) {
        List<String> trackingIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode doc = Fixtures.fresh("candidacy-unilateral-left");
            doc.set(
                    "patient",
                    TestPatients.LOAD_RUN.get(i % TestPatients.LOAD_RUN.size()).asDocumentPatient());
            trackingIds.add(bridge.submit(doc, token));
        }
        return trackingIds;
    }

    private static Map<String, Integer> states() {
        Map<String, Integer> states = new TreeMap<>();
        db.sql("select state, count(*) from clinical_document group by state")
                .query((rs, n) -> states.put(rs.getString(1), rs.getInt(2)))
                .list();
        return states;
    }
}
