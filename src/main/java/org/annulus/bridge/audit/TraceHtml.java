package org.annulus.bridge.audit;

import java.util.List;
import org.springframework.web.util.HtmlUtils;

/**
 * The auditor's trace page, rendered from a {@link Trace}: one timeline per document version. Plain
 * Java with every value passed through {@link HtmlUtils#htmlEscape} (Spring's escaper: {@code < > & " '})
 * and no script at all: one read-only page does not justify a template engine in the jar (the jar
 * was trimmed, and Thymeleaf's engine is test-scope only).
 */
final class TraceHtml {

    private static final String STYLE = """
            body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#1d2530;padding:0 1rem}
            h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin:1.8rem 0 .3rem}
            .muted{color:#5b6673} code{font-size:.85em;word-break:break-all}
            .status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600}
            .ok{background:#dff3e4;color:#125c2b} .bad{background:#fbe1e1;color:#8a1414} .warn{background:#fff1d0;color:#7a5200}
            ol.timeline{list-style:none;border-left:3px solid #c9d3de;margin:.6rem 0 1.5rem .6rem;padding-left:1.2rem}
            ol.timeline>li{margin:.55rem 0;position:relative}
            ol.timeline>li::before{content:"";position:absolute;left:-1.65rem;top:.4rem;width:.7rem;height:.7rem;
              border-radius:50%;background:#5477a8}
            .version{border:1px solid #d5dde6;border-radius:.5rem;padding:.4rem 1rem;margin:1rem 0;background:#fbfcfd}
            table{border-collapse:collapse;margin:.4rem 0;width:100%} td,th{text-align:left;padding:.2rem .5rem;
              border-bottom:1px solid #e3e8ee;font-size:.9em;vertical-align:top}
            """;

    private TraceHtml() {}

    static String render(Trace trace) {
        StringBuilder h = new StringBuilder(16_384);
        String subject = trace.query().values().iterator().next();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Trace ")
                .append(e(subject))
                .append(" · Annulus Bridge</title><style>")
                .append(STYLE)
                .append("</style></head><body>");
        h.append("<h1>Trace of ")
                .append(e(subject))
                .append("</h1><p class=\"muted\">Traced at ")
                .append(e(trace.tracedAt()))
                .append(". Read-only; the same chain as <code>GET /api/v1/trace</code>.</p>");
        verification(h, trace.verification());
        for (Trace.Document d : trace.documents()) {
            h.append("<h2 class=\"document\">")
                    .append(e(d.kind()))
                    .append(" <code>")
                    .append(e(d.documentId()))
                    .append("</code></h2><p class=\"muted\">patient key <code>")
                    .append(e(d.patientKey()))
                    .append("</code>")
                    .append(links(" · builds on ", d.buildsOn()))
                    .append(links(" · built on by ", d.builtOnBy()))
                    .append("</p>");
            for (Trace.Version v : d.versions()) {
                version(h, v);
            }
        }
        return h.append("</body></html>").toString();
    }

    private static void verification(StringBuilder h, Trace.Verification v) {
        boolean ok = "OK".equals(v.status());
        h.append("<p id=\"verification\">Audit log: <span class=\"status ")
                .append(ok ? "ok" : "bad")
                .append("\">")
                .append(e(v.status()))
                .append("</span> ")
                .append(v.records())
                .append(" records, ")
                .append(v.checkpoints())
                .append(" signed checkpoints verified");
        if (v.firstBroken() != null) {
            h.append(" — first broken: ")
                    .append(e(v.firstBroken().what()))
                    .append(" ")
                    .append(v.firstBroken().seq())
                    .append(", ")
                    .append(e(v.firstBroken().problem()));
        }
        h.append("</p>");
    }

    private static void version(StringBuilder h, Trace.Version v) {
        h.append("<section class=\"version\" id=\"v")
                .append(v.version())
                .append("\"><h3>Version ")
                .append(v.version())
                .append(" · ")
                .append(e(v.status()))
                .append(" · <span class=\"status ")
                .append(stateClass(v.state()))
                .append("\">")
                .append(e(v.state()))
                .append("</span></h3><ol class=\"timeline\">");
        h.append("<li>Received ")
                .append(e(v.receivedAt()))
                .append(" via ")
                .append(e(v.source()))
                .append(", tracking id <code>")
                .append(e(v.trackingId()))
                .append("</code><br>SHA-256 <code>")
                .append(e(v.sha256()))
                .append("</code> <span class=\"status ")
                .append(
                        "matches".equals(v.sourceCheck().check())
                                ? "ok"
                                : "purged".equals(v.sourceCheck().check()) ? "warn" : "bad")
                .append("\">source ")
                .append(e(v.sourceCheck().check()))
                .append("</span></li>");
        if (v.mapping() != null) {
            h.append("<li>Mapped ")
                    .append(e(v.mapping().at()))
                    .append(": ")
                    .append(v.mapping().resources())
                    .append(" resources (")
                    .append(e(v.mapping().byType().toString().replaceAll("[{}]", "")))
                    .append(")");
            if (v.mapping().warnings() != null) {
                h.append("<br>warnings: ")
                        .append(e(String.join("; ", v.mapping().warnings())));
            }
            h.append("</li>");
        }
        h.append("<li>Validation: <span class=\"status ")
                .append("passed".equals(v.validation().result()) ? "ok" : "warn")
                .append("\">")
                .append(e(v.validation().result()))
                .append("</span>");
        if (v.validation().issues() != null) {
            for (Trace.Issue i : v.validation().issues()) {
                h.append("<br>")
                        .append(e(i.severity()))
                        .append(" ")
                        .append(e(i.code()))
                        .append(" at <code>")
                        .append(e(String.join(", ", i.expression())))
                        .append("</code>");
            }
        }
        h.append("</li>");
        for (Trace.Attempt a : v.attempts()) {
            h.append("<li class=\"attempt\">Attempt ")
                    .append(a.number())
                    .append(", ")
                    .append(e(a.startedAt()))
                    .append(" → <span class=\"status ")
                    .append(stateClass(a.result()))
                    .append("\">")
                    .append(e(a.result()))
                    .append("</span><br><span class=\"muted\">")
                    .append(e(a.request()))
                    .append("</span>");
            if (a.answer() != null) {
                h.append("<br>EHR: ").append(e(a.answer()));
            }
            h.append("</li>");
        }
        if (!v.resources().isEmpty()) {
            h.append("<li>In the EHR:<table><tr><th>resource</th><th>role</th><th>business identifier</th></tr>");
            for (Trace.EhrResource r : v.resources()) {
                h.append("<tr><td><a class=\"ehr\" href=\"")
                        .append(e(r.link()))
                        .append("\">")
                        .append(e(r.reference()))
                        .append("</a></td><td>")
                        .append(e(r.role()))
                        .append("</td><td><code>")
                        .append(e(r.businessIdentifier()
                                .substring(r.businessIdentifier().indexOf('|') + 1)))
                        .append("</code></td></tr>");
            }
            h.append("</table></li>");
        }
        if (v.provenance() != null) {
            h.append("<li>Provenance <code>").append(e(v.provenance())).append("</code></li>");
        }
        if (!v.auditEvents().isEmpty()) {
            h.append("<li>")
                    .append(v.auditEvents().size())
                    .append(" AuditEvents in the local log:<table>")
                    .append(
                            "<tr><th>seq</th><th>recorded</th><th>event</th><th>outcome</th><th>record SHA-256</th></tr>");
            for (Trace.Event ev : v.auditEvents()) {
                h.append("<tr><td>")
                        .append(ev.seq())
                        .append("</td><td>")
                        .append(e(ev.recorded()))
                        .append("</td><td>")
                        .append(e(ev.type()))
                        .append(" / ")
                        .append(e(ev.subtype()))
                        .append(" ")
                        .append(e(ev.action()))
                        .append("</td><td>")
                        .append(e(ev.outcome()))
                        .append("</td><td><code>")
                        .append(e(ev.recordSha256()))
                        .append("</code></td></tr>");
            }
            h.append("</table></li>");
        }
        h.append("</ol></section>");
    }

    private static String links(String label, List<Trace.Link> links) {
        if (links == null) {
            return "";
        }
        StringBuilder h = new StringBuilder(label);
        for (Trace.Link l : links) {
            h.append("<a href=\"/audit/trace?documentId=")
                    .append(e(l.documentId()))
                    .append("\">")
                    .append(e(l.kind()))
                    .append(" ")
                    .append(e(l.documentId()))
                    .append("</a> ");
        }
        return h.toString();
    }

    private static String stateClass(String state) {
        return switch (state) {
            case "SYNCED" -> "ok";
            case "DEAD", "REJECTED" -> "bad";
            default -> "warn";
        };
    }

    /** Strict escaping of every value put into the page. */
    static String e(Object value) {
        return value == null ? "" : HtmlUtils.htmlEscape(value.toString(), "UTF-8");
    }
}
