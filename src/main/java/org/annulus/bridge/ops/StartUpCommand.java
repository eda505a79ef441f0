package org.annulus.bridge.ops;

import java.io.PrintStream;

/**
 * A command the bridge runs instead of serving ({@code --check-connection}, {@code --verify-audit}):
 * it prints its result to the console, then the bridge exits with the status it returns.
 */
public interface StartUpCommand {

    /** The command-line option that runs it, without the leading dashes. */
    String option();

    /** Runs the command, printing to {@code console}; returns the exit status, 0 when all is well. */
    int run(PrintStream console) throws Exception;
}
