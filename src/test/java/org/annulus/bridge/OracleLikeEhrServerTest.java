package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.annulus.bridge.ehr.EhrProfile;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.annulus.jpaserver.JpaFhirServerProcess.Mode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JPA test server in its {@code oracle-like} mode: Procedures are created and problems updated by
 * id, care plans, goals and orders are read-only, and the {@code oracle-health} profile says the same.
 * The restrictions every mode shares are proved in {@link RestrictedEhrServerTest}. Fictional data only.
 */
class OracleLikeEhrServerTest {

    static final JpaFhirServerProcess EHR = RestrictedEhrFixtures.launch(Mode.ORACLE_LIKE);

    static IGenericClient fhir;
    static Reference patient;

    @BeforeAll
    static void seed() {
        fhir = RestrictedEhrFixtures.ready(EHR);
        patient = new Reference("Patient/" + EHR.seedPatient(TestPatients.MAJA_LINDQVIST));
    }

    @AfterAll
    static void stop() {
        EHR.close();
    }

    @Test
    void aProcedureIsCreatedButNotFoundByIdentifier() {
        Procedure procedure =
                new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED).setSubject(patient);
        procedure.addIdentifier().setSystem(JpaFhirServerProcess.BRIDGE_SID).setValue("procedure-created");

        assertThat(fhir.create().resource(procedure).execute().getCreated()).isTrue();
        assertThatThrownBy(() -> fhir.search()
                        .forResource(Procedure.class)
                        .where(Procedure.IDENTIFIER
                                .exactly()
                                .systemAndIdentifier(JpaFhirServerProcess.BRIDGE_SID, "procedure-created"))
                        .returnBundle(Bundle.class)
                        .execute())
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aProblemIsUpdatedByIdButAProcedureIsNot() {
        Condition problem = new Condition().setSubject(patient);
        problem.getCode().setText("Chronic low back pain");
        problem.setId(fhir.create()
                .resource(problem)
                .execute()
                .getId()
                .toUnqualifiedVersionless()
                .getValue());
        Procedure procedure =
                new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED).setSubject(patient);
        procedure.setId(fhir.create()
                .resource(procedure)
                .execute()
                .getId()
                .toUnqualifiedVersionless()
                .getValue());

        problem.getCode().setText("Chronic low back pain, improving");
        procedure.setStatus(Procedure.ProcedureStatus.ENTEREDINERROR);

        assertThat(fhir.update().resource(problem).execute().getId().getVersionIdPart())
                .isEqualTo("2");
        assertThatThrownBy(() -> fhir.update().resource(procedure).execute())
                .isInstanceOf(MethodNotAllowedException.class);
    }

    @Test
    void carePlansGoalsAndOrdersAreReadOnly() {
        for (Resource refused : RestrictedEhrFixtures.carePlanGoalAndOrder(patient)) {
            assertThatThrownBy(() -> fhir.create().resource(refused).execute())
                    .as(refused.fhirType())
                    .isInstanceOf(MethodNotAllowedException.class);
        }
    }

    @Test
    void theOracleHealthProfileSaysWhatTheOracleLikeServerDoes() {
        ProfileAgreement.assertAgrees(
                EhrProfile.named("oracle-health"),
                fhir.capabilities().ofType(CapabilityStatement.class).execute());
    }
}
