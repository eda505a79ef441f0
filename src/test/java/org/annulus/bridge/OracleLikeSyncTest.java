package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.annulus.jpaserver.JpaFhirServerProcess.Mode;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Procedure;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code bridge.ehr.profile=oracle-health} against the JPA server in its oracle-like mode. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OracleLikeSyncTest extends RestrictedEhrSyncContract {

    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-oracle-sync-");
    /** Launched when the class loads, so its start-up overlaps the bridge's. */
    static final JpaFhirServerProcess EHR = RestrictedEhrFixtures.launch(Mode.ORACLE_LIKE);

    static final WireMockServer TOKEN_ENDPOINT = tokenEndpoint();
    static final TestTokens ISSUER = TestTokens.servedBy(TOKEN_ENDPOINT);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        bridgeAgainst(registry, EHR, "oracle-health", WORK, TOKEN_ENDPOINT, ISSUER);
    }

    @AfterAll
    static void stop() {
        EHR.close();
        TOKEN_ENDPOINT.stop();
    }

    @Override
    JpaFhirServerProcess ehr() {
        return EHR;
    }

    @Override
    TestTokens issuer() {
        return ISSUER;
    }

    @Override
    Set<String> structured() {
        return Set.of("Condition", "Observation", "Procedure");
    }

    @Override
    void checkSpecifics(List<DocumentReference> notes, String patientId) {
        List<Procedure> procedures =
                EHR.all("Procedure").stream().map(Procedure.class::cast).toList();
        assertThat(procedures).isNotEmpty();
        assertThat(procedures)
                .flatExtracting(Procedure::getReasonReference)
                .as("every reason is a resolvable Condition the bridge wrote")
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getReference()).matches("Condition/[^/]+"));
    }
}
