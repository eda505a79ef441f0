package org.annulus.bridge.ops;

import java.io.PrintStream;
import java.util.Arrays;
import org.annulus.bridge.ehr.EhrConnection;
import org.annulus.bridge.ehr.EhrPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The EHR connection check: logged once when the bridge is ready, followed by the write plan for this
 * EHR, so a misconfiguration is plain at start-up; and with {@code --check-connection}, printed to the console, after which the bridge exits
 * with status 0 (all good) or 1.
 */
@Component
class ConnectionCheck implements StartUpCommand {

    static final String OPTION = "check-connection";
    private static final Logger log = LoggerFactory.getLogger(ConnectionCheck.class);

    private final EhrConnection connection;
    private final EhrPlan plan;

    ConnectionCheck(EhrConnection connection, EhrPlan plan) {
        this.connection = connection;
        this.plan = plan;
    }

    @Override
    public String option() {
        return OPTION;
    }

    @Override
    public int run(PrintStream console) {
        EhrConnection.Report report = connection.check();
        ConnectionReport.print(report, console);
        return report.ok() ? 0 : 1;
    }

    @EventListener(ApplicationReadyEvent.class)
    void logAtStartUp(ApplicationReadyEvent event) {
        if (event.getArgs() != null && Arrays.stream(event.getArgs()).anyMatch(a -> a.equals("--" + OPTION))) {
            return; // the command prints it
        }
        EhrConnection.Report report = connection.check();
        if (report.ok()) {
            log.info("{}", ConnectionReport.text(report));
        } else {
            log.warn("{}", ConnectionReport.text(report));
        }
        plan.logAtStartUp();
    }
}
