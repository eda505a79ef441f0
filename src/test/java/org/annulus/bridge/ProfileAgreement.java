package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.annulus.bridge.ehr.EhrProfile;
import org.annulus.bridge.ehr.EhrProfile.Write;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;

/**
 * An EHR profile and a restricted test server describe the same EHR: wherever the profile states a
 * write, the server's CapabilityStatement says the same.
 */
final class ProfileAgreement {

    private ProfileAgreement() {}

    static void assertAgrees(EhrProfile profile, CapabilityStatement statement) {
        CapabilityStatementRestComponent rest = statement.getRestFirstRep();
        if (profile.transaction() != null) {
            assertThat(rest.getInteraction().stream()
                            .anyMatch(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION))
                    .as("transaction")
                    .isEqualTo(profile.transaction());
        }
        if (profile.batch() != null) {
            assertThat(rest.getInteraction().stream().anyMatch(i -> i.getCode() == SystemRestfulInteraction.BATCH))
                    .as("batch")
                    .isEqualTo(profile.batch());
        }
        for (CapabilityStatementRestResourceComponent type : rest.getResource()) {
            Map<Write, Boolean> served = Map.of(
                    Write.CREATE, has(type, TypeRestfulInteraction.CREATE),
                    Write.UPDATE, has(type, TypeRestfulInteraction.UPDATE),
                    Write.CONDITIONAL_CREATE, type.getConditionalCreate(),
                    Write.CONDITIONAL_UPDATE, type.getConditionalUpdate(),
                    Write.SEARCH_BY_IDENTIFIER,
                            type.getSearchParam().stream().anyMatch(p -> "identifier".equals(p.getName())));
            served.forEach((write, serves) -> profile.allows(type.getType(), write)
                    .ifPresent(says ->
                            assertThat(serves).as(type.getType() + " " + write).isEqualTo(says)));
        }
    }

    static boolean has(CapabilityStatementRestResourceComponent type, TypeRestfulInteraction interaction) {
        return type.getInteraction().stream().anyMatch(i -> i.getCode() == interaction);
    }
}
