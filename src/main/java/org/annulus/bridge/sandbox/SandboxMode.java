package org.annulus.bridge.sandbox;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The sandbox runs only while it is the EHR: {@code bridge.sandbox.enabled} (default true) and no
 * {@code bridge.ehr.base-url}. A real EHR switches it off whatever else is set, so its FHIR endpoint,
 * token endpoint and development tokens cannot be reached beside real patient data.
 */
final class SandboxMode extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String baseUrl = context.getEnvironment().getProperty("bridge.ehr.base-url", "");
        if (!baseUrl.isBlank()) {
            return ConditionOutcome.noMatch("bridge.ehr.base-url names a real EHR");
        }
        boolean enabled = context.getEnvironment().getProperty("bridge.sandbox.enabled", Boolean.class, true);
        return enabled
                ? ConditionOutcome.match("no bridge.ehr.base-url: the sandbox is the EHR")
                : ConditionOutcome.noMatch("bridge.sandbox.enabled=false");
    }
}
