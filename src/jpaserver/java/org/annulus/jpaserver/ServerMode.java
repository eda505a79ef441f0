package org.annulus.jpaserver;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How much of FHIR the test server lets a client use: everything HAPI's JPA server does ({@link #OPEN}),
 * or only what a hospital EHR takes from a backend app, as its vendor documents it. The sources of
 * each restriction are in {@code src/main/resources/ehr-profiles/*.yaml}, which describe the same EHRs
 * to the bridge.
 *
 * <p>Every restricted mode: no transaction or batch, {@code If-None-Exist} ignored (a conditional create
 * creates), no conditional update, no delete or patch, no search by {@code identifier} except on Patient
 * and Encounter (the patient's MRN and the visit number are how a client finds them). Patient and
 * Encounter stay creatable: the hospital registers patients and visits, and the tests seed them.
 *
 * @param argument       how the mode is named on the command line ({@code --mode=epic-like})
 * @param creatable      resource types a client may create
 * @param updatable      resource types a client may update by server id
 * @param identifierSearchable resource types that keep the {@code identifier} search parameter
 * @param conditionVerificationStatus the one Condition verificationStatus a create may state, or null for any
 */
enum ServerMode {
    OPEN("open", Set.of(), Set.of(), Set.of(), null),

    /**
     * Epic: problems, vitals and clinical notes are created; nothing a client wrote is updated (Epic's R4
     * Condition.Create (Problems), Observation.Create (Vitals) and DocumentReference.Create (Clinical Notes)
     * have no update for this use; Epic cannot create an Encounter either, which stays creatable here as a
     * test fixture).
     */
    EPIC_LIKE(
            "epic-like",
            Set.of("Patient", "Encounter", "Condition", "Observation", "DocumentReference"),
            Set.of(),
            Set.of("Patient", "Encounter"),
            "provisional"),

    /** Oracle Health Millennium: Condition, Procedure, Observation and DocumentReference; care plans read-only. */
    ORACLE_LIKE(
            "oracle-like",
            Set.of("Patient", "Encounter", "Condition", "Procedure", "Observation", "DocumentReference"),
            Set.of("Condition"),
            Set.of("Patient", "Encounter"),
            null);

    private final String argument;
    private final Set<String> creatable;
    private final Set<String> updatable;
    private final Set<String> identifierSearchable;
    private final String conditionVerificationStatus;

    ServerMode(
            String argument,
            Set<String> creatable,
            Set<String> updatable,
            Set<String> identifierSearchable,
            String conditionVerificationStatus) {
        this.argument = argument;
        this.creatable = creatable;
        this.updatable = updatable;
        this.identifierSearchable = identifierSearchable;
        this.conditionVerificationStatus = conditionVerificationStatus;
    }

    static ServerMode named(String argument) {
        return Arrays.stream(values())
                .filter(m -> m.argument.equals(argument))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown mode " + argument + ", expected one of "
                        + Arrays.stream(values()).map(m -> m.argument).collect(Collectors.joining(", "))));
    }

    String argument() {
        return argument;
    }

    boolean restricted() {
        return this != OPEN;
    }

    boolean canCreate(String type) {
        return creatable.contains(type);
    }

    boolean canUpdate(String type) {
        return updatable.contains(type);
    }

    /** Whether a created Condition may state this verificationStatus code (absent: always). */
    boolean acceptsVerificationStatus(String code) {
        return conditionVerificationStatus == null || conditionVerificationStatus.equals(code);
    }

    String conditionVerificationStatus() {
        return conditionVerificationStatus;
    }

    boolean canSearchByIdentifier(String type) {
        return identifierSearchable.contains(type);
    }
}
