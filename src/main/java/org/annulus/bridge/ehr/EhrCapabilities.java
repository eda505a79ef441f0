package org.annulus.bridge.ehr;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the EHR says it accepts, from its CapabilityStatement: whether it takes transactions, and
 * which resource types it lets us create and update; intersected with the EHR profile
 * ({@code bridge.ehr.profile}) into the rules every send is planned from ({@link EhrRules}). Read once,
 * then again every so often, since hospitals change their EHR's configuration without telling us; each
 * time the plan changes, it is logged.
 */
@Component
class EhrCapabilities {

    private static final Logger log = LoggerFactory.getLogger(EhrCapabilities.class);
    private static final Duration REFRESH = Duration.ofMinutes(15);

    private final Clock clock;
    private final EhrProfile profile;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

    EhrCapabilities(Clock clock, EhrProperties properties) {
        this.clock = clock;
        this.profile = EhrProfile.named(properties.profile());
    }

    /** The rules for the next send: from the last statement read, or a fresh one when that is old. */
    EhrRules of(IGenericClient client) {
        Snapshot current = snapshot.get();
        if (current != null
                && Duration.between(current.readAt(), clock.instant()).compareTo(REFRESH) < 0) {
            return new EhrRules(current, profile);
        }
        CapabilityStatement statement =
                client.capabilities().ofType(CapabilityStatement.class).execute();
        Snapshot fresh = Snapshot.from(statement, clock.instant());
        Snapshot before = snapshot.getAndSet(fresh);
        EhrRules rules = new EhrRules(fresh, profile);
        if (before == null || !new EhrRules(before, profile).describe().equals(rules.describe())) {
            log.info("{}", rules.describe()); // resource types and interactions only: no patient data
        }
        return rules;
    }

    /** The rules from the statement last read, without asking the EHR (health must not call it). */
    java.util.Optional<EhrRules> last() {
        return java.util.Optional.ofNullable(snapshot.get()).map(s -> new EhrRules(s, profile));
    }

    EhrProfile profile() {
        return profile;
    }

    /**
     * @param creatable resource type → whether update is allowed too
     * @param searchParams resource type → the search parameters the EHR lists for it
     */
    record Snapshot(
            Instant readAt, boolean transaction, Map<String, Boolean> creatable, Map<String, Set<String>> searchParams)
            implements LedgerWriter.Rules {

        boolean canWrite(String type) {
            return creatable.containsKey(type);
        }

        @Override
        public boolean canCreate(String type) {
            return canWrite(type);
        }

        @Override
        public boolean canUpdate(String type) {
            return Boolean.TRUE.equals(creatable.get(type));
        }

        @Override
        public boolean canSearch(String type, String parameter) {
            return searchParams.getOrDefault(type, Set.of()).contains(parameter);
        }

        @Override
        public boolean transaction() {
            return transaction;
        }

        static Snapshot from(CapabilityStatement statement, Instant at) {
            CapabilityStatementRestComponent rest = statement.getRest().stream()
                    .filter(r -> r.getMode() == CapabilityStatement.RestfulCapabilityMode.SERVER)
                    .findFirst()
                    .orElseGet(CapabilityStatementRestComponent::new);
            boolean transaction = rest.getInteraction().stream()
                    .anyMatch(i -> i.getCode() == CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
            Map<String, Boolean> creatable = rest.getResource().stream()
                    .filter(r -> interactions(r).contains(CapabilityStatement.TypeRestfulInteraction.CREATE))
                    .collect(Collectors.toMap(
                            r -> r.getType(),
                            r -> interactions(r).contains(CapabilityStatement.TypeRestfulInteraction.UPDATE),
                            (a, b) -> a || b));
            Map<String, Set<String>> searchParams = rest.getResource().stream()
                    .collect(Collectors.toMap(
                            r -> r.getType(),
                            r -> r.getSearchParam().stream()
                                    .map(
                                            CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent
                                                    ::getName)
                                    .collect(Collectors.toSet()),
                            (a, b) -> {
                                Set<String> both = new java.util.HashSet<>(a);
                                both.addAll(b);
                                return both;
                            }));
            return new Snapshot(at, transaction, creatable, searchParams);
        }

        private static Set<CapabilityStatement.TypeRestfulInteraction> interactions(
                CapabilityStatement.CapabilityStatementRestResourceComponent resource) {
            return resource.getInteraction().stream().map(i -> i.getCode()).collect(Collectors.toSet());
        }
    }
}
