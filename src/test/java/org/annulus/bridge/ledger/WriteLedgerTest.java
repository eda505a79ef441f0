package org.annulus.bridge.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/** The write ledger on both databases the bridge runs on: intent first, completed from the answer. */
class WriteLedgerTest {

    static final String EHR = "https://ehr.example.org/fhir";
    static final String SCHEMA = "bridge_ledger_" + ProcessHandle.current().pid();
    static final String ID = "http://annulus.org/fhir/sid/bridge-resource|candidacy-assessment/p1/CA-1/diagnosis";

    static final DriverManagerDataSource H2 = new DriverManagerDataSource(
            "jdbc:h2:mem:ledger;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    static final DriverManagerDataSource POSTGRES = new DriverManagerDataSource(
            "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA,
            System.getenv().getOrDefault("BRIDGE_TEST_PG_USER", "postgres"),
            "");

    static {
        migrate(H2, "public");
        migrate(POSTGRES, SCHEMA);
    }

    static void migrate(DataSource dataSource, String schema) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .cleanDisabled(false)
                .load()
                .clean();
        Flyway.configure().dataSource(dataSource).schemas(schema).load().migrate();
    }

    @AfterAll
    static void drop() {
        Flyway.configure()
                .dataSource(POSTGRES)
                .schemas(SCHEMA)
                .cleanDisabled(false)
                .load()
                .clean();
    }

    static Stream<DataSource> databases() {
        return Stream.of(H2, POSTGRES);
    }

    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T09:00:00Z"));

    private WriteLedger ledger(DataSource dataSource) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        jdbc.sql("delete from ehr_write_ledger").update();
        return new WriteLedger(jdbc, new DataSourceTransactionManager(dataSource), clock);
    }

    /**
     * A send's look-up reads its own entries and no others, however large the ledger and however stale its
     * statistics (PostgreSQL, never analyzed here): with {@code in (...)} it read every entry of the EHR.
     */
    @org.junit.jupiter.api.Test
    void aSendsLookUpReadsOnlyItsOwnEntriesWhateverTheLedgersSize() {
        ledger(POSTGRES);
        JdbcClient jdbc = JdbcClient.create(POSTGRES);
        jdbc.sql("""
                insert into ehr_write_ledger (ehr, business_identifier, resource_type, server_id)
                select ?, 'urn:test|CA-' || g || '/' || r, 'Condition', g::text
                from generate_series(1, 3000) g, generate_series(1, 10) r""").param(EHR).update();
        List<Object> params = new java.util.ArrayList<>();
        for (int r = 1; r <= 13; r++) {
            params.add(EHR);
            params.add("urn:test|CA-5/" + r);
        }
        List<String> plan = jdbc.sql("explain analyze " + WriteLedger.findAllSql(13))
                .params(params)
                .query(String.class)
                .list();
        String text = String.join("\n", plan);
        assertThat(plan)
                .as(text)
                .noneMatch(line -> line.contains("Rows Removed by Filter") || line.contains("Seq Scan"));
        ledger(POSTGRES); // the other tests start from an empty ledger
    }

    @ParameterizedTest
    @MethodSource("databases")
    void anIntentWithoutAnAnswerSaysTheCreateMayHaveLanded(DataSource db) {
        WriteLedger ledger = ledger(db);
        assertThat(ledger.find(EHR, ID)).isEmpty();

        ledger.recordIntent(EHR, ID, "Condition", WriteMethod.CREATE, "t-1");

        LedgerEntry entry = ledger.find(EHR, ID).orElseThrow();
        assertThat(entry.mayExistUnknown()).isTrue();
        assertThat(entry.serverId()).isEmpty();
        assertThat(entry.pending().orElseThrow().method()).isEqualTo(WriteMethod.CREATE);
        assertThat(entry.pending().orElseThrow().trackingId()).isEqualTo("t-1");
        assertThat(entry.pending().orElseThrow().since()).isEqualTo(clock.instant());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theAnswerCompletesTheIntentWithServerIdAndVersion(DataSource db) {
        WriteLedger ledger = ledger(db);
        ledger.recordIntent(EHR, ID, "Condition", WriteMethod.CREATE, "t-1");
        clock.advance(Duration.ofSeconds(2));
        ledger.recordWritten(EHR, ID, "Condition", "c-42", "1", "a".repeat(64), "t-1");

        LedgerEntry entry = ledger.find(EHR, ID).orElseThrow();
        assertThat(entry.mayExistUnknown()).isFalse();
        assertThat(entry.pending()).isEmpty();
        assertThat(entry.serverId()).contains("c-42");
        assertThat(entry.writtenVersion()).contains("1");
        assertThat(entry.contentSha256()).contains("a".repeat(64));
        assertThat(entry.writtenAt()).contains(clock.instant());
        assertThat(entry.writtenBy()).contains("t-1");

        // An amendment's update: the intent keeps what was written until the answer replaces it.
        ledger.recordIntent(EHR, ID, "Condition", WriteMethod.UPDATE, "t-2");
        LedgerEntry updating = ledger.find(EHR, ID).orElseThrow();
        assertThat(updating.serverId()).contains("c-42");
        assertThat(updating.writtenVersion()).contains("1");
        assertThat(updating.mayExistUnknown()).isFalse();
        assertThat(updating.pending().orElseThrow().method()).isEqualTo(WriteMethod.UPDATE);
        ledger.recordWritten(EHR, ID, "Condition", "c-42", "2", "b".repeat(64), "t-2");
        assertThat(ledger.find(EHR, ID).orElseThrow().writtenVersion()).contains("2");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRefusedWriteClearsTheIntentAndKeepsWhatWasWritten(DataSource db) {
        WriteLedger ledger = ledger(db);
        ledger.recordWritten(EHR, ID, "Condition", "c-42", "1", "a".repeat(64), "t-1");
        ledger.recordIntent(EHR, ID, "Condition", WriteMethod.UPDATE, "t-2");

        ledger.recordNotWritten(EHR, ID);

        LedgerEntry entry = ledger.find(EHR, ID).orElseThrow();
        assertThat(entry.pending()).isEmpty();
        assertThat(entry.writtenVersion()).contains("1");
        assertThat(entry.writtenBy()).contains("t-1");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void theIntentIsCommittedEvenWhenTheCallersTransactionRollsBack(DataSource db) {
        WriteLedger ledger = ledger(db);
        TransactionTemplate callers = new TransactionTemplate(new DataSourceTransactionManager(db));

        callers.executeWithoutResult(status -> {
            ledger.recordIntent(EHR, ID, "Observation", WriteMethod.CREATE, "t-1");
            status.setRollbackOnly();
        });

        assertThat(ledger.find(EHR, ID))
                .hasValueSatisfying(e -> assertThat(e.mayExistUnknown()).isTrue());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void oneLedgerPerEhrAndOneQueryForASend(DataSource db) {
        WriteLedger ledger = ledger(db);
        String other = ID.replace("diagnosis", "tear");
        ledger.recordWritten(EHR, ID, "Condition", "c-1", "1", null, "t-1");
        ledger.recordWritten(EHR, other, "Condition", "c-2", "3", null, "t-1");
        ledger.recordWritten("https://sandbox.example.org/fhir", ID, "Condition", "s-9", "1", null, "t-1");

        Map<String, LedgerEntry> found = ledger.findAll(EHR, List.of(ID, other, ID + "/missing"));

        assertThat(found).containsOnlyKeys(ID, other);
        assertThat(found.get(ID).serverId()).contains("c-1");
        assertThat(found.get(other).writtenVersion()).contains("3");
        assertThat(ledger.findAll(EHR, List.of())).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void countsWritesWhoseOutcomeIsUnknownForLong(DataSource db) {
        WriteLedger ledger = ledger(db);
        ledger.recordIntent(EHR, ID, "Condition", WriteMethod.CREATE, "t-1");
        clock.advance(Duration.ofMinutes(10));
        ledger.recordIntent(EHR, ID + "/2", "Condition", WriteMethod.CREATE, "t-2");

        assertThat(ledger.countPendingSince(EHR, clock.instant().minus(Duration.ofMinutes(5))))
                .isEqualTo(1);
    }
}
