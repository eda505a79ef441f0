package org.annulus.bridge.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.annulus.bridge.ehr.EhrConnection;
import org.annulus.bridge.ehr.EhrPlan;
import org.annulus.bridge.smart.SmartStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code ehr} in {@code /actuator/health}: reachability, SMART discovery and token status (never the
 * token), from the cached probe, and the write plan for this EHR (profile and CapabilityStatement). Its details (URL, client id, scopes) are shown to operators only
 * ({@code management.endpoint.health.show-details: when-authorized}).
 */
@Component
class EhrHealthIndicator implements HealthIndicator {

    private final EhrConnection connection;
    private final EhrPlan plan;

    EhrHealthIndicator(EhrConnection connection, EhrPlan plan) {
        this.connection = connection;
        this.plan = plan;
    }

    @Override
    public Health health() {
        EhrConnection.Report report = connection.probe();
        Health.Builder health = report.ok() ? Health.up() : Health.down();
        if (report.baseUrl() != null) {
            health.withDetail("baseUrl", report.baseUrl());
        }
        return health.withDetail("reachability", details(report.reachability()))
                .withDetail("discovery", details(report.smart().discovery()))
                .withDetail("token", details(report.smart().token()))
                .withDetail("plan", plan(plan.current()))
                .build();
    }

    /** What the bridge writes to this EHR (README, "Connecting to your EHR"): types and interactions only. */
    static Map<String, Object> plan(EhrPlan.Summary summary) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("profile", summary.profile());
        details.put("title", summary.title());
        details.put(
                "writes",
                summary.plan()
                        .orElse("not known yet: the CapabilityStatement is read at start-up"
                                + " and before the first send"));
        if (!summary.unverified().isEmpty()) {
            details.put("unverified", summary.unverified());
        }
        return details;
    }

    static Map<String, Object> details(SmartStatus.Step step) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ok", step.ok());
        details.put("detail", step.detail());
        if (step.problem() != null) {
            details.put("problem", step.problem().name());
        }
        if (step.hint() != null) {
            details.put("check", step.hint());
        }
        return details;
    }
}
