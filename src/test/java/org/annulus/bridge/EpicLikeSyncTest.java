package org.annulus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.annulus.jpaserver.JpaFhirServerProcess.Mode;
import org.hl7.fhir.r4.model.DocumentReference;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code bridge.ehr.profile=epic} against the JPA server in its epic-like mode. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EpicLikeSyncTest extends RestrictedEhrSyncContract {

    static final Path WORK = H2DocumentFlowTest.tempDir("bridge-epic-sync-");
    /** Launched when the class loads, so its start-up overlaps the bridge's. */
    static final JpaFhirServerProcess EHR = RestrictedEhrFixtures.launch(Mode.EPIC_LIKE);

    static final WireMockServer TOKEN_ENDPOINT = tokenEndpoint();
    static final TestTokens ISSUER = TestTokens.servedBy(TOKEN_ENDPOINT);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        bridgeAgainst(registry, EHR, "epic", WORK, TOKEN_ENDPOINT, ISSUER);
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
        return Set.of("Condition", "Observation");
    }

    @Override
    void checkSpecifics(List<DocumentReference> notes) {
        assertThat(notes)
                .as("Epic files what a system writes as a draft for a clinician to sign (profile: notes.status)")
                .allSatisfy(n -> assertThat(n.getDocStatus())
                        .isIn(
                                DocumentReference.ReferredDocumentStatus.PRELIMINARY,
                                DocumentReference.ReferredDocumentStatus.ENTEREDINERROR,
                                DocumentReference.ReferredDocumentStatus.AMENDED));
    }
}
