package org.annulus.bridge.ops;

import java.io.PrintStream;
import org.annulus.bridge.ehr.EhrConnection;
import org.annulus.bridge.smart.SmartStatus;

/** The connection check as a person reads it, on the console or in the log. */
final class ConnectionReport {

    private ConnectionReport() {}

    static void print(EhrConnection.Report report, PrintStream out) {
        out.println("EHR connection check: " + (report.ok() ? "OK" : "FAILED"));
        out.println("  FHIR base URL : " + (report.baseUrl() == null ? "(not known)" : report.baseUrl()));
        line(out, "reachability", report.reachability());
        line(out, "discovery", report.smart().discovery());
        line(out, "token", report.smart().token());
    }

    static String text(EhrConnection.Report report) {
        var bytes = new java.io.ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8)) {
            print(report, out);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
    }

    private static void line(PrintStream out, String name, SmartStatus.Step step) {
        out.printf("  %-13s : %s %s%n", name, step.ok() ? "ok  " : "FAIL", step.detail());
        if (step.hint() != null) {
            out.printf("  %-13s   check: %s%n", "", step.hint());
        }
    }
}
