package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The store's PostgreSQL sessions plan each statement with its values, so a plan made while the tables
 * were small is never kept as they grow (issue 15, cost growth); other databases and an operator's own
 * {@code options} are left as they are.
 */
class PostgresPlanningTest {

    static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";

    @Test
    void aPostgresSessionPlansEveryStatementWithItsValues() {
        try (HikariDataSource pool = pool(PG)) {
            PostgresPlanning.customPlans(pool);
            assertThat(JdbcClient.create(pool)
                            .sql("select current_setting('plan_cache_mode')")
                            .query(String.class)
                            .single())
                    .isEqualTo("force_custom_plan");
        }
    }

    @Test
    void anOperatorsOwnOptionsAndOtherDatabasesAreLeftAlone() {
        try (HikariDataSource own = pool(PG + "?options=-c%20statement_timeout=60000");
                HikariDataSource h2 = pool("jdbc:h2:mem:planning")) {
            PostgresPlanning.customPlans(own);
            PostgresPlanning.customPlans(h2);
            assertThat(own.getDataSourceProperties()).doesNotContainKey("options");
            assertThat(h2.getDataSourceProperties()).isEmpty();
            assertThat(JdbcClient.create(own)
                            .sql("select current_setting('plan_cache_mode')")
                            .query(String.class)
                            .single())
                    .isEqualTo("auto");
        }
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(
                url.startsWith("jdbc:h2:") ? "sa" : System.getenv().getOrDefault("BRIDGE_TEST_PG_USER", "postgres"));
        pool.setPassword("");
        pool.setMaximumPoolSize(1);
        return pool;
    }
}
