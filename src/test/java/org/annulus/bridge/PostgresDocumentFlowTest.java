package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The end-to-end flow on the production store: the real PostgreSQL at 127.0.0.1:5432 (database
 * {@code test}, trust auth; {@code .ci/run} starts it). Runs in a schema of its own, emptied first.
 */
@Import(PostgresDocumentFlowTest.CleanSchema.class)
class PostgresDocumentFlowTest extends DocumentFlowContract {

    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-pg-");
    /** One schema per test JVM: parallel runs on one machine must not claim each other's documents. */
    static final String SCHEMA = "bridge_it_" + ProcessHandle.current().pid();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        workDirs(registry, WORK);
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA);
        registry.add(
                "spring.datasource.username", () -> System.getenv().getOrDefault("BRIDGE_TEST_PG_USER", "postgres"));
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.clean-disabled", () -> "false");
    }

    @Override
    Path inbox() {
        return WORK.resolve("inbox");
    }

    /** The application's own pool plans each statement with its values (outbox.PostgresPlanning, issue 15). */
    @Test
    void theStoresSessionsPlanEachStatementWithItsValues(@Autowired DataSource store) {
        assertThat(JdbcClient.create(store)
                        .sql("select current_setting('plan_cache_mode')")
                        .query(String.class)
                        .single())
                .isEqualTo("force_custom_plan");
    }

    @TestConfiguration
    static class CleanSchema {
        /** Each run starts from an empty schema: what an earlier run left cannot make a test pass. */
        @Bean
        FlywayMigrationStrategy cleanThenMigrate() {
            return (Flyway flyway) -> {
                flyway.clean();
                flyway.migrate();
            };
        }
    }
}
