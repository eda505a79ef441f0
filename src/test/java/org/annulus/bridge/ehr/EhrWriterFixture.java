package org.annulus.bridge.ehr;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Path;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where every test of {@link EhrWriter} against a fake EHR starts: WireMock on 127.0.0.1 answering as
 * an EHR with SMART and transactions ({@link FakeEhr#smartAndTransactions()}), the writer with its
 * real collaborators pointed at it ({@link EhrUnderTest}, fresh per test, so breaker and caches start
 * fresh), and the document bundle {@link DocumentBundles#conditionObservationAndCarePlan()} to write for
 * {@link DocumentBundles#PATIENT}. Each test class adds the patient search and answers it needs.
 */
abstract class EhrWriterFixture {

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @TempDir
    Path keys;

    EhrUnderTest ehr;
    FakeEhr fake;
    Bundle bundle = DocumentBundles.conditionObservationAndCarePlan();

    @BeforeEach
    void anEhrWithSmartAndTransactions() {
        ehr = EhrUnderTest.against(wm.baseUrl() + FakeEhr.FHIR, keys);
        fake = new FakeEhr(wm, ehr.fhir()).smartAndTransactions();
    }

    @AfterEach
    void closeTheWriter() {
        ehr.close();
    }

    EhrWriteResult write() {
        return ehr.writer().write(new EhrWriter.Send(bundle, DocumentBundles.PATIENT, Optional.empty(), "tracking-1"));
    }
}
