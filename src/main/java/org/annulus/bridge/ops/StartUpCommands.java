package org.annulus.bridge.ops;

import java.io.PrintStream;
import java.util.List;
import java.util.function.IntConsumer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/** Runs the start-up command whose option the bridge was started with, then exits with its status. */
@Component
class StartUpCommands implements ApplicationRunner {

    private final List<StartUpCommand> commands;
    private final ApplicationContext context;
    private final IntConsumer exit;
    private final PrintStream console;

    @Autowired
    StartUpCommands(List<StartUpCommand> commands, ApplicationContext context) {
        this(commands, context, System::exit, System.out);
    }

    /** With the exit and the console replaced, so that a test can run a command without ending the JVM. */
    StartUpCommands(List<StartUpCommand> commands, ApplicationContext context, IntConsumer exit, PrintStream console) {
        this.commands = commands;
        this.context = context;
        this.exit = exit;
        this.console = console;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        for (StartUpCommand command : commands) {
            if (args.containsOption(command.option())) {
                int status = command.run(console);
                exit.accept(SpringApplication.exit(context, () -> status));
                return;
            }
        }
    }
}
