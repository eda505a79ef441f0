package org.annulus.bridge.ehr;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.TestKeys;
import org.annulus.bridge.ledger.WriteLedger;
import org.annulus.bridge.smart.EhrTransport;
import org.annulus.bridge.smart.EhrTransportProperties;
import org.annulus.bridge.smart.SmartAuthorization;
import org.annulus.bridge.smart.SmartProperties;
import org.flywaydb.core.Flyway;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The EHR writer with its real collaborators (endpoint, SMART client, capability check, patient
 * match, visit lookup, plan execution, single-request writer) in a Spring context of just those
 * beans, pointed at a fake EHR.
 * Starts in well under a second; each test gets its own, so breaker and caches start fresh.
 */
final class EhrUnderTest implements AutoCloseable {

    /** One per JVM and only ours: EhrEndpoint sets the timeouts on its client factory. */
    private static final FhirContext FHIR = FhirContext.forR4();

    /** Whole seconds, as HTTP dates have them. */
    final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    private final AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();

    private EhrUnderTest(String baseUrl, Path privateKey, Duration readTimeout, String profile) {
        context.getBeanFactory().registerSingleton("clock", clock);
        TestPropertyValues.of(
                        "bridge.ehr.base-url=" + baseUrl,
                        "bridge.ehr.client-id=bridge-under-test",
                        "bridge.ehr.private-key=" + privateKey,
                        "bridge.ehr.scopes=system/Patient.rs system/Condition.crus",
                        "bridge.ehr.connect-timeout=2s",
                        "bridge.ehr.read-timeout=" + readTimeout.toMillis() + "ms",
                        "bridge.ehr.profile=" + profile)
                .applyTo(context);
        context.register(Beans.class);
        context.refresh();
    }

    /** The writer against the FHIR server at {@code baseUrl}, signing with a key made for this test. */
    static EhrUnderTest against(String baseUrl, Path keyDir) {
        return against(baseUrl, keyDir, Duration.ofSeconds(5));
    }

    static EhrUnderTest against(String baseUrl, Path keyDir, Duration readTimeout) {
        return against(baseUrl, keyDir, readTimeout, "generic");
    }

    /** With {@code bridge.ehr.profile} set (hapi, epic, oracle-health, generic). */
    static EhrUnderTest against(String baseUrl, Path keyDir, Duration readTimeout, String profile) {
        return new EhrUnderTest(
                baseUrl, TestKeys.pem(keyDir, "bridge-key.pem", TestKeys.ecP384()), readTimeout, profile);
    }

    EhrWriter writer() {
        return context.getBean(EhrWriter.class);
    }

    /** The write ledger's database, with an off switch (it starts on). */
    org.annulus.bridge.SwitchableStore.Switch store() {
        return context.getBean(org.annulus.bridge.SwitchableStore.Switch.class);
    }

    WriteLedger ledger() {
        return context.getBean(WriteLedger.class);
    }

    EhrPlan plan() {
        return context.getBean(EhrPlan.class);
    }

    EhrConnection connection() {
        return context.getBean(EhrConnection.class);
    }

    FhirContext fhir() {
        return FHIR;
    }

    double responses(String status) {
        var counter = context.getBean(MeterRegistry.class)
                .find("bridge.ehr.responses")
                .tag("status", status)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        context.close();
    }

    /**
     * Registered by hand and deliberately not a {@code @Configuration}: the application's component
     * scan covers test classes too, and would add these beans to every full context.
     */
    @EnableConfigurationProperties({EhrProperties.class, SmartProperties.class, EhrTransportProperties.class})
    @Import({
        SmartAuthorization.class,
        EhrTransport.class,
        EhrEndpoint.class,
        EhrCapabilities.class,
        PatientMatch.class,
        VisitEncounters.class,
        LedgerWriter.class,
        AmendmentNotes.class,
        WriteLedger.class,
        WriteExecution.class,
        EhrWriter.class,
        EhrConnection.class,
        EhrPlan.class
    })
    static class Beans {

        @Bean
        FhirContext fhirContext() {
            return FHIR;
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        /**
         * The write ledger's database: H2 in memory, one per context, migrated as the bridge's is; behind
         * a switch, so that a test can make it unreachable.
         */
        @Bean
        org.annulus.bridge.SwitchableStore.Switch dataSource() {
            DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:ehr-under-test-"
                    + java.util.UUID.randomUUID()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
            Flyway.configure().dataSource(dataSource).load().migrate();
            return new org.annulus.bridge.SwitchableStore.Switch(dataSource);
        }

        @Bean
        JdbcClient jdbcClient(DataSource dataSource) {
            return JdbcClient.create(dataSource);
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }
    }
}
