package org.annulus.bridge.outbox;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * On PostgreSQL the store's sessions plan every statement with its values ({@code plan_cache_mode =
 * force_custom_plan}). Otherwise, after five runs of a prepared statement, PostgreSQL may keep a generic
 * plan made while the tables were small for as long as the connection lives, and nothing replaces it while
 * the tables' statistics stand still (autovacuum off, or a backfill arriving faster than autoanalyze): the
 * write ledger's look-up by primary key scanned the whole ledger, 8.5 ms per call at 10,000 rows instead
 * of 0.1, and the cost of each document grew with the number before it. Planning each time costs far less.
 * An {@code options} the operator gave (JDBC URL or {@code spring.datasource.hikari.data-source-properties})
 * wins.
 */
@Configuration(proxyBeanMethods = false)
class PostgresPlanning {

    static final String CUSTOM_PLANS = "-c plan_cache_mode=force_custom_plan";

    @Bean
    static BeanPostProcessor customPlansOnPostgres() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof HikariDataSource pool) {
                    customPlans(pool);
                }
                return bean;
            }
        };
    }

    /** Sets the session option on a pool not started yet, where the URL is PostgreSQL's and names no options. */
    static void customPlans(HikariDataSource pool) {
        String url = pool.getJdbcUrl();
        if (url != null
                && url.startsWith("jdbc:postgresql:")
                && !url.contains("options=")
                && !pool.getDataSourceProperties().containsKey("options")) {
            pool.addDataSourceProperty("options", CUSTOM_PLANS);
        }
    }
}
