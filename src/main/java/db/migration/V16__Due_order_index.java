package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The due-documents poll ({@code outbox.DocumentStore#lockDue}) walks the waiting documents in clinical
 * order and stops at its limit, so a poll costs the same with 50 documents waiting or 100,000 (it read and
 * sorted the whole backlog before: 108 ms per poll at 50,000 waiting, 0.4 ms with this index, given the
 * planner statistics autovacuum keeps; with none at all a large backlog may still be planned badly). On
 * PostgreSQL a partial index holds only the workable documents, so the walk never passes the synced
 * history; its predicate is the query's, word for word ({@code DocumentState.WORKABLE}; a test checks
 * both). H2 has no partial indexes and the embedded store is for small volumes: nothing to do there.
 *
 * <p>A Java migration because the SQL differs by database; Flyway finds it in {@code db/migration} beside
 * the SQL ones.
 */
public class V16__Due_order_index extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement sql = connection.createStatement()) {
            sql.execute("""
                    create index ix_document_due on clinical_document (clinical_time, received_at, tracking_id)
                    where state in ('ACCEPTED', 'MAPPED', 'SENDING', 'RETRY_SCHEDULED')""");
        }
    }
}
