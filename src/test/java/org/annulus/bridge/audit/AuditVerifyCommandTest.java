package org.annulus.bridge.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditVerifyCommandTest {

    @Test
    void aBrokenChainPrintsTheRecordAndGivesANonZeroStatus() throws Exception {
        ChainVerification broken = ChainVerification.broken(
                7, 0, new ChainVerification.Break(5, "record", "content altered: its SHA-256 differs", "a", "b"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = new AuditVerifyCommand(fixed(broken)).run(new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("\"status\" : \"BROKEN\"", "\"seq\" : 5", "content altered");
    }

    @Test
    void anIntactChainGivesStatusZero() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = new AuditVerifyCommand(fixed(ChainVerification.ok(3, 1, java.util.List.of())))
                .run(new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("\"status\" : \"OK\"")
                .doesNotContain("firstBroken");
    }

    private static AuditLog fixed(ChainVerification result) {
        return new AuditLog(
                null,
                new org.springframework.transaction.support.AbstractPlatformTransactionManager() {
                    @Override
                    protected Object doGetTransaction() {
                        return new Object();
                    }

                    @Override
                    protected void doBegin(
                            Object transaction, org.springframework.transaction.TransactionDefinition d) {}

                    @Override
                    protected void doCommit(org.springframework.transaction.support.DefaultTransactionStatus s) {}

                    @Override
                    protected void doRollback(org.springframework.transaction.support.DefaultTransactionStatus s) {}
                },
                null,
                null,
                null) {
            @Override
            public ChainVerification verify() {
                return result;
            }
        };
    }
}
