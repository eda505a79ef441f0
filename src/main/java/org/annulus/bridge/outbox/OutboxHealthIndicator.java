package org.annulus.bridge.outbox;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code outbox} in {@code /actuator/health}: DOWN while the oldest document still on its way to the
 * EHR is older than {@code bridge.outbox.alert-after}, UP again once it is through — one alert when
 * an outage (or a stuck document) starts, one clear when it ends. Not part of readiness: intake
 * keeps accepting durably while the EHR is away, so the bridge must stay in its load balancer.
 */
@Component
class OutboxHealthIndicator implements HealthIndicator {

    private final OutboxMetrics metrics;
    private final OutboxProperties properties;

    OutboxHealthIndicator(OutboxMetrics metrics, OutboxProperties properties) {
        this.metrics = metrics;
        this.properties = properties;
    }

    @Override
    public Health health() {
        java.time.Duration oldest = metrics.oldestPending();
        Health.Builder health = oldest.compareTo(properties.alertAfter()) > 0 ? Health.down() : Health.up();
        return health.withDetail("oldestPendingSeconds", oldest.toSeconds())
                .withDetail("alertAfter", properties.alertAfter().toString())
                .build();
    }
}
