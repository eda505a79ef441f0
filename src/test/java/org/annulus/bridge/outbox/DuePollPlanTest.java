package org.annulus.bridge.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The due poll does not grow with the backlog (issue 15, cost growth): on PostgreSQL it walks the
 * partial index of workable documents in clinical order and stops at its limit, with fresh statistics and
 * with none at this size (3,000 documents never analyzed). Before, it read and sorted every waiting
 * document on every poll: 108 ms at 50,000 waiting. With no statistics at all and 95,000 waiting,
 * PostgreSQL's guesses still pick a worse plan (117 ms per poll, README "Large backlogs": keep autovacuum on).
 */
class DuePollPlanTest {

    @RegisterExtension
    static final StoreDatabases DB = StoreDatabases.named("dueplan");

    static DocumentStore store;
    static JdbcClient jdbc;

    /** A backfill half done: 600 patients of 5 documents, each patient's first few SYNCED, no analyze since. */
    @BeforeAll
    static void backlog() {
        DB.fresh(DB.postgres());
        jdbc = JdbcClient.create(DB.postgres());
        store = new DocumentStore(jdbc, Clock.systemUTC(), true);
        jdbc.sql("""
                insert into clinical_document (tracking_id, kind, document_id, doc_version, doc_status, patient_key,
                    clinical_time, source, sha256, raw_document, state, attempts, received_at, updated_at)
                select gen_random_uuid()::text, 'candidacy-assessment', 'CA-' || p || '-' || n, 1, 'final',
                    'urn:oid:1.2|MRN-' || p,
                    timestamptz '2026-01-01' + (p % 365) * interval '1 day' + n * interval '30 days',
                    'api', repeat('a', 64), repeat('x', 2500),
                    case when n < (p * 7919) % 6 then 'SYNCED' else 'ACCEPTED' end, 0,
                    now() - interval '1 hour' + (p * 5 + n) * interval '1 millisecond', now()
                from generate_series(1, 600) p, generate_series(0, 4) n""").update();
    }

    @Test
    void withStaleStatisticsThePollWalksTheWorkableIndexInOrderAndSortsNothing() {
        assertWalksTheIndex(store.duePlan(8));
    }

    @Test
    void withFreshStatisticsToo() {
        jdbc.sql("analyze clinical_document").update();
        assertWalksTheIndex(store.duePlan(8));
    }

    /** The index only serves the poll while its predicate is the poll's: the workable states, no other. */
    @Test
    void theIndexHoldsExactlyTheWorkableStates() {
        String definition = jdbc.sql(
                        "select indexdef from pg_indexes where schemaname = ? and indexname = 'ix_document_due'")
                .param(DB.schema())
                .query(String.class)
                .single();
        Matcher quoted = Pattern.compile("'([A-Z_]+)'").matcher(definition.substring(definition.indexOf(" WHERE ")));
        Set<String> states = new java.util.TreeSet<>();
        while (quoted.find()) {
            states.add(quoted.group(1));
        }
        assertThat(states)
                .isEqualTo(DocumentState.WORKABLE.stream()
                        .map(Enum::name)
                        .collect(Collectors.toCollection(java.util.TreeSet::new)));
        assertThat(definition).contains("(clinical_time, received_at, tracking_id)");
    }

    private static void assertWalksTheIndex(List<String> plan) {
        String text = String.join("\n", plan);
        assertThat(text).as(text).contains("Index Scan using ix_document_due on clinical_document d");
        assertThat(plan)
                .as(text)
                .noneMatch(line ->
                        line.trim().startsWith("->  Sort") || line.trim().startsWith("Sort"));
    }
}
