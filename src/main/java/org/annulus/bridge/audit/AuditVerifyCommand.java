package org.annulus.bridge.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import org.annulus.bridge.ops.StartUpCommand;
import org.springframework.stereotype.Component;

/**
 * {@code --verify-audit}: verifies the audit chain, prints the result as JSON and exits with status 0
 * (OK) or 1 (BROKEN), like {@code --check-connection}.
 */
@Component
class AuditVerifyCommand implements StartUpCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog auditLog;

    AuditVerifyCommand(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    @Override
    public String option() {
        return "verify-audit";
    }

    @Override
    public int run(PrintStream console) throws JsonProcessingException {
        ChainVerification result = auditLog.verify();
        console.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        return result.ok() ? 0 : 1;
    }
}
