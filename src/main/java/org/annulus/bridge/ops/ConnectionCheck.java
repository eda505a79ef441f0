package org.annulus.bridge.ops;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.annulus.bridge.ehr.EhrConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The EHR connection check: logged once when the bridge is ready, so a misconfiguration is plain at
 * start-up; and with {@code --check-connection}, printed to the console, after which the bridge exits
 * with status 0 (all good) or 1.
 */
@Component
class ConnectionCheck implements ApplicationRunner {

    static final String OPTION = "check-connection";
    private static final Logger log = LoggerFactory.getLogger(ConnectionCheck.class);

    private final EhrConnection connection;
    private final ApplicationContext context;
    private final IntConsumer exit;
    private final PrintStream console;

    @Autowired
    ConnectionCheck(EhrConnection connection, ApplicationContext context) {
        this(connection, context, System::exit, System.out);
    }

    /** With the exit and the console replaced, so that a test can run the check without ending the JVM. */
    ConnectionCheck(EhrConnection connection, ApplicationContext context, IntConsumer exit, PrintStream console) {
        this.connection = connection;
        this.context = context;
        this.exit = exit;
        this.console = console;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!args.containsOption(OPTION)) {
            return;
        }
        EhrConnection.Report report = connection.check();
        ConnectionReport.print(report, console);
        int status = report.ok() ? 0 : 1;
        exit.accept(SpringApplication.exit(context, () -> status));
    }

    @EventListener(ApplicationReadyEvent.class)
    void logAtStartUp(ApplicationReadyEvent event) {
        if (event.getArgs() != null && Arrays.stream(event.getArgs()).anyMatch(a -> a.equals("--" + OPTION))) {
            return; // the runner prints it
        }
        EhrConnection.Report report = connection.check();
        if (report.ok()) {
            log.info("{}", ConnectionReport.text(report));
        } else {
            log.warn("{}", ConnectionReport.text(report));
        }
    }
}
