package org.annulus.bridge.ehr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.annulus.bridge.ehr.EhrProfile.NoteStatus;
import org.annulus.bridge.ehr.EhrProfile.Write;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class EhrProfileTest {

    static final List<String> SHIPPED = EhrProfile.SHIPPED;

    @ParameterizedTest
    @FieldSource("SHIPPED")
    void everyShippedProfileLoadsWithItsSources(String name) {
        EhrProfile profile = EhrProfile.named(name);

        assertThat(profile.name()).isEqualTo(name);
        assertThat(profile.title()).isNotBlank();
        assertThat(profile.sources()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.url().getScheme()).isEqualTo("https");
            assertThat(s.says()).isNotBlank();
        });
    }

    @Test
    void epicCreatesProblemsVitalsAndNotesButTakesNoTransactionAndUpdatesNothing() {
        EhrProfile epic = EhrProfile.named("epic");

        assertThat(epic.transaction()).isFalse();
        assertThat(epic.batch()).isFalse();
        assertThat(epic.allows("Condition", Write.CREATE)).contains(true);
        assertThat(epic.allows("Condition", Write.UPDATE)).contains(false);
        assertThat(epic.allows("Condition", Write.CONDITIONAL_CREATE)).contains(false);
        assertThat(epic.allows("Observation", Write.SEARCH_BY_IDENTIFIER)).contains(false);
        assertThat(epic.allows("Observation", Write.UPDATE)).contains(false);
        assertThat(epic.needsEncounter("DocumentReference")).isTrue();
        assertThat(epic.needsEncounter("Observation")).isTrue();
        assertThat(epic.needsEncounter("Condition")).isFalse();
        assertThat(epic.conditionCategories()).containsExactly("problem-list-item");
        assertThat(epic.conditionVerificationStatus())
                .as("Condition.Create: provisional only")
                .contains("provisional");
        for (String type : List.of("Procedure", "CarePlan", "Goal", "ServiceRequest")) {
            assertThat(epic.allows(type, Write.CREATE)).as(type).contains(false);
            assertThat(epic.goesAsNote(type)).as(type).isTrue();
        }
        assertThat(epic.allows("Provenance", Write.CREATE)).contains(false);
        assertThat(epic.notes().status()).isEqualTo(NoteStatus.PRELIMINARY);
        assertThat(epic.unverified()).doesNotContain("Condition.update", "Observation.needs-encounter");
    }

    @Test
    void oracleHealthCreatesProceduresAndUpdatesProblemsButKeepsCarePlansGoalsAndOrdersReadOnly() {
        EhrProfile oracle = EhrProfile.named("oracle-health");

        assertThat(oracle.allows("Condition", Write.UPDATE)).contains(true);
        assertThat(oracle.allows("Procedure", Write.CREATE)).contains(true);
        assertThat(oracle.goesAsNote("Procedure")).isFalse();
        assertThat(oracle.conditionCategories()).containsExactly("problem-list-item", "encounter-diagnosis");
        for (String type : List.of("CarePlan", "Goal", "ServiceRequest")) {
            assertThat(oracle.allows(type, Write.CREATE)).as(type).contains(false);
            assertThat(oracle.goesAsNote(type)).as(type).isTrue();
        }
        assertThat(oracle.notes().status()).isEqualTo(NoteStatus.FINAL);
        assertThat(oracle.unverified()).doesNotContain("Procedure.create", "Condition.update");
    }

    @Test
    void hapiTakesEveryWriteOfEveryTypeAVendorProfileNames() {
        EhrProfile hapi = EhrProfile.named("hapi");
        Set<String> named = new TreeSet<>(EhrProfile.named("epic").resources().keySet());
        named.addAll(EhrProfile.named("oracle-health").resources().keySet());

        assertThat(hapi.transaction()).isTrue();
        assertThat(hapi.resources().keySet()).containsAll(named);
        for (String type : named) {
            for (Write write : Write.values()) {
                assertThat(hapi.allows(type, write)).as(type + " " + write).contains(true);
            }
            assertThat(hapi.goesAsNote(type)).isFalse();
        }
    }

    @Test
    void genericLeavesEveryWriteToTheCapabilityStatement() {
        EhrProfile generic = EhrProfile.named("generic");

        assertThat(generic.transaction()).isNull();
        for (Write write : Write.values()) {
            assertThat(generic.allows("Condition", write)).isEmpty();
        }
        assertThat(generic.conditionCategories()).isEmpty();
        assertThat(generic.needsEncounter("Observation")).isFalse();
    }

    @Test
    void anUnknownProfileNamesTheShippedOnes() {
        assertThatThrownBy(() -> EhrProfile.named("meditech"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("meditech")
                .hasMessageContaining("oracle-health");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "resources: {Problem: {create: true}}|'Problem' is no FHIR R4 resource type",
                "resources: {Condition: {create: false, conditional-create: true}}|conditional-create without create",
                "resources: {Condition: {categories: [diagnosis]}}|category 'diagnosis' is no condition-category code",
                "resources: {Observation: {categories: [problem-list-item]}}|categories are for Condition only",
                "resources: {Condition: {verification-status: tentative}}|'tentative' is no condition-ver-status code",
                "resources: {Observation: {verification-status: provisional}}|verification-status is for Condition only",
                "resources: {DocumentReference: {create: false}}\\nnotes: {types: [Goal], status: final}"
                        + "|notes.types needs DocumentReference create",
                "resources: {Condition: {creatable: true}}|Unrecognized field \"creatable\"",
                "unverified: [Condition.update]|'Condition.update' names no claim",
                "notes: {types: [], status: draft}|not a valid profile",
            })
    void aProfileThatContradictsItselfIsRefused(String caseAndProblem) {
        String[] parts = caseAndProblem.split("\\|");
        String yaml = """
                name: broken
                title: Broken
                sources: [{url: "https://hl7.org/fhir/R4/http.html", says: "the REST API"}]
                """
                + parts[0].replace("\\n", "\n")
                + (parts[0].contains("notes:") ? "" : "\nnotes: {types: [], status: final}");

        assertThatThrownBy(() -> read(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(parts[1]);
    }

    @Test
    void anEmptyProfileIsRefused() {
        assertThatThrownBy(() -> read("---\n")).hasMessageContaining("is empty");
    }

    @Test
    void aProfileWithoutSourcesIsRefused() {
        String yaml = """
                name: unsourced
                title: Unsourced
                notes: {types: [], status: final}
                """;

        assertThatThrownBy(() -> EhrProfileReader.read("unsourced", stream(yaml)))
                .hasMessageContaining("no sources");
    }

    private static EhrProfile read(String yaml) {
        return EhrProfileReader.read("broken", stream(yaml));
    }

    private static ByteArrayInputStream stream(String yaml) {
        return new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
    }
}
