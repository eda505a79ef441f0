package org.annulus.bridge.ehr;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.annulus.bridge.smart.EhrTransport;
import org.annulus.bridge.smart.SmartAuthorization;
import org.annulus.bridge.smart.SmartStatus;
import org.springframework.stereotype.Service;

/**
 * The connection check of health and {@code --check-connection}: can the EHR be reached, was its
 * token endpoint found, and does the bridge hold a token.
 */
@Service
public class EhrConnection {

    private final EhrEndpoint endpoint;
    private final EhrProperties properties;
    private final SmartAuthorization smart;
    private final EhrTransport transport;
    private final Clock clock;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Probe lastProbe;

    private record Probe(Report report, Instant at) {}

    EhrConnection(
            EhrEndpoint endpoint,
            EhrProperties properties,
            SmartAuthorization smart,
            Clock clock,
            EhrTransport transport) {
        this.transport = transport;
        this.endpoint = endpoint;
        this.properties = properties;
        this.smart = smart;
        this.clock = clock;
    }

    /**
     * The three checks, in order.
     *
     * @param baseUrl      the EHR's FHIR base URL, or null before it is known
     * @param reachability whether {@code [base]/metadata} answered at all (any HTTP status counts)
     * @param smart        discovery and token
     */
    public record Report(String baseUrl, SmartStatus.Step reachability, SmartStatus smart) {

        public boolean ok() {
            return reachability.ok() && smart.ok();
        }
    }

    /**
     * The check as health shows it: reused for {@code bridge.ehr.probe-interval}, so that anonymous
     * or frequent health calls cannot make the bridge hammer the EHR or its token endpoint. Concurrent
     * callers wait for the one probe under way.
     */
    public Report probe() {
        Probe last = lastProbe;
        if (fresh(last)) {
            return last.report();
        }
        probing.lock();
        try {
            last = lastProbe;
            if (!fresh(last)) {
                Report report = check();
                // Not yet known (web server starting) is not a result worth keeping.
                last = new Probe(report, report.baseUrl() == null ? Instant.MIN : clock.instant());
                lastProbe = last;
            }
            return last.report();
        } finally {
            probing.unlock();
        }
    }

    private boolean fresh(Probe probe) {
        return probe != null
                && probe.at() != Instant.MIN
                && clock.instant().isBefore(probe.at().plus(properties.probeInterval()));
    }

    /** The check, now: for {@code --check-connection} and the start-up log. */
    public Report check() {
        Optional<String> base = endpoint.knownBaseUrl();
        if (base.isEmpty()) {
            SmartStatus.Step waiting =
                    new SmartStatus.Step(false, "EHR endpoint not known yet (web server not started)", null, null);
            return new Report(null, waiting, new SmartStatus(waiting, waiting));
        }
        return new Report(base.get(), reach(base.get()), smart.status());
    }

    /** {@code GET [base]/metadata} without a token: the CapabilityStatement is public on SMART servers. */
    private SmartStatus.Step reach(String base) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .sslContext(transport.sslContext())
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/metadata"))
                .timeout(properties.readTimeout())
                .header("Accept", "application/fhir+json")
                .GET()
                .build();
        try {
            int status =
                    http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return new SmartStatus.Step(true, "reachable, GET /metadata answered HTTP " + status, null, null);
        } catch (IOException e) {
            return new SmartStatus.Step(
                    false,
                    "not reachable (" + e.getClass().getSimpleName() + ")",
                    null,
                    "bridge.ehr.base-url, DNS, the network path and firewall from the bridge to the EHR,"
                            + " and the EHR's TLS certificate");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SmartStatus.Step(false, "interrupted", null, null);
        }
    }
}
