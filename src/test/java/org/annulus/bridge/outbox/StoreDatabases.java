package org.annulus.bridge.outbox;

import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The two databases a store test runs on: H2 in PostgreSQL mode (in memory) and the local
 * PostgreSQL, in a schema of the test's own so that test runs do not meet. Registered as an extension
 * ({@code @RegisterExtension}), it drops that schema after the test class.
 */
record StoreDatabases(DriverManagerDataSource h2, DriverManagerDataSource postgres, String schema)
        implements AfterAllCallback {

    static StoreDatabases named(String name) {
        String schema = "bridge_" + name + "_" + ProcessHandle.current().pid();
        return new StoreDatabases(
                new DriverManagerDataSource(
                        "jdbc:h2:mem:" + name
                                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                        "sa",
                        ""),
                new DriverManagerDataSource(
                        "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema,
                        System.getenv().getOrDefault("BRIDGE_TEST_PG_USER", "postgres"),
                        ""),
                schema);
    }

    Stream<DataSource> both() {
        return Stream.of(h2, postgres);
    }

    /** Empties the database's schema and migrates it afresh (Flyway, as at start-up). */
    void fresh(DataSource db) {
        String in = db == postgres ? schema : "public";
        flyway(db, in).clean();
        flyway(db, in).migrate();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        drop();
    }

    /** Drops the test's PostgreSQL schema. */
    void drop() {
        flyway(postgres, schema).clean();
    }

    private static Flyway flyway(DataSource db, String schema) {
        return Flyway.configure()
                .dataSource(db)
                .schemas(schema)
                .cleanDisabled(false)
                .load();
    }
}
