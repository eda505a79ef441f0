package org.annulus.bridge.ehr;

import static org.annulus.bridge.ehr.DocumentBundles.PATIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.annulus.bridge.SwitchableStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 13, item 7: the bridge's database becomes unreachable in the middle of a send. No write goes to
 * the EHR (WireMock) without its intent committed first, the EHR is not blamed for it (no breaker count),
 * and once the store is back the send completes, once.
 */
class EhrWriterStoreOutageTest extends EhrWriterFixture {

    @BeforeEach
    void thePatientAndAWorkingEhr() {
        fake.patientsWithMrn(PATIENT, PATIENT.family());
        fake.transactionAnswers(fake.fhirJson(200, FakeEhr.transactionResponse(bundle)));
    }

    @Test
    void aStoreThatFailsBeforeTheIntentLetsNoWriteOutAndTheSendCompletesOnceItIsBack() {
        SwitchableStore.Switch store = ehr.store();
        // The ledger's read of what is known is granted; the next connection, the intent's, is refused.
        store.downAfter(1);

        EhrWriteResult during = write();

        assertThat(store.firstRefusal())
                .as("the store broke exactly at the intent")
                .anyMatch(at -> at.getClassName().endsWith("WriteLedger")
                        && at.getMethodName().equals("recordIntents"));
        assertThat(fake.writes()).as("nothing sent without its intent").isEmpty();
        assertThat(during).isInstanceOfSatisfying(EhrWriteResult.Failed.class, failed -> {
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.reason()).contains("database was unavailable");
        });
        assertThat(ehr.responses("unusable-response"))
                .as("not the EHR's failure")
                .isZero();
        assertThat(ehr.responses("store-unavailable")).isEqualTo(1);

        store.up();
        assertThat(pending()).as("no intent was recorded").isZero();
        EhrWriteResult after = write();

        assertThat(after).isInstanceOf(EhrWriteResult.Written.class);
        assertThat(fake.writes()).as("one transaction, once the store is back").hasSize(1);
        assertThat(pending()).as("every intent completed").isZero();
        assertThat(JdbcClient.create(store)
                        .sql("select server_id from ehr_write_ledger order by server_id")
                        .query(String.class)
                        .list())
                .isEqualTo(List.of("srv-0", "srv-1", "srv-2"));
        assertThat(write()).isInstanceOf(EhrWriteResult.Written.class);
        assertThat(fake.writes()).as("a resend writes nothing again").hasSize(1);
    }

    @Test
    void aStoreDownBeforeTheSendStartsLetsNoWriteOut() {
        ehr.store().down();

        EhrWriteResult during = write();

        assertThat(during).isInstanceOfSatisfying(EhrWriteResult.Failed.class, failed -> assertThat(failed.reason())
                .contains("database was unavailable"));
        assertThat(fake.writes()).isEmpty();
        ehr.store().up();
        assertThat(write()).isInstanceOf(EhrWriteResult.Written.class);
        assertThat(fake.writes()).hasSize(1);
    }

    private int pending() {
        return JdbcClient.create(ehr.store())
                .sql("select count(*) from ehr_write_ledger where pending_method is not null")
                .query(Integer.class)
                .single();
    }
}
