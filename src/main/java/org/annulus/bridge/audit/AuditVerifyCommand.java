package org.annulus.bridge.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.function.IntConsumer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/**
 * {@code --verify-audit}: verifies the audit chain, prints the result as JSON and exits with status 0
 * (OK) or 1 (BROKEN), like {@code --check-connection}.
 */
@Component
class AuditVerifyCommand implements ApplicationRunner {

    static final String OPTION = "verify-audit";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLog auditLog;
    private final ApplicationContext context;
    private final IntConsumer exit;
    private final PrintStream console;

    @Autowired
    AuditVerifyCommand(AuditLog auditLog, ApplicationContext context) {
        this(auditLog, context, System::exit, System.out);
    }

    /** With the exit and the console replaced, so that a test can run it without ending the JVM. */
    AuditVerifyCommand(AuditLog auditLog, ApplicationContext context, IntConsumer exit, PrintStream console) {
        this.auditLog = auditLog;
        this.context = context;
        this.exit = exit;
        this.console = console;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (!args.containsOption(OPTION)) {
            return;
        }
        int status = report();
        exit.accept(SpringApplication.exit(context, () -> status));
    }

    /** Prints the verification; returns the exit status. */
    int report() throws com.fasterxml.jackson.core.JsonProcessingException {
        ChainVerification result = auditLog.verify();
        console.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        return result.ok() ? 0 : 1;
    }
}
