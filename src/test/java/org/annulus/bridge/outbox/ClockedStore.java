package org.annulus.bridge.outbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.annulus.bridge.TestClock;
import org.annulus.bridge.document.DocumentKind;
import org.annulus.bridge.document.DocumentStatus;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A freshly migrated store on {@code db} with a clock the test moves, and documents of a patient each. */
record ClockedStore(TestClock clock, DocumentStore store) {

    static ClockedStore fresh(StoreDatabases databases, DataSource db) {
        databases.fresh(db);
        TestClock clock = new TestClock(Instant.parse("2026-03-02T10:00:00Z"));
        return new ClockedStore(clock, new DocumentStore(JdbcClient.create(db), clock, true));
    }

    /** An ACCEPTED candidacy assessment of its own patient, received now. */
    String accepted(String documentId) {
        return store.insert(new NewDocument(
                DocumentKind.CANDIDACY_ASSESSMENT,
                documentId,
                1,
                DocumentStatus.FINAL,
                "urn:mrn|" + documentId,
                OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
                null,
                "api",
                "a".repeat(64),
                "{}",
                null));
    }
}
