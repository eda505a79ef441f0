package org.annulus.bridge.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.annulus.bridge.ehr.EhrConnection;
import org.annulus.bridge.smart.SmartStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code ehr} in {@code /actuator/health}: reachability, SMART discovery and token status (never the
 * token), from the cached probe. Its details (URL, client id, scopes) are shown to operators only
 * ({@code management.endpoint.health.show-details: when-authorized}).
 */
@Component
class EhrHealthIndicator implements HealthIndicator {

    private final EhrConnection connection;

    EhrHealthIndicator(EhrConnection connection) {
        this.connection = connection;
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
                .build();
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
