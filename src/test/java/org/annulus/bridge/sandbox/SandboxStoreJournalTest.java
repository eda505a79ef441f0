package org.annulus.bridge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxStoreJournalTest {

    final FhirContext fhirContext = FhirContext.forR4Cached();

    @TempDir
    Path dataDir;

    @Test
    void newStoreOnTheSameJournalSeesEveryVersion() throws IOException {
        SandboxStore first = openStore();
        Patient patient = new Patient();
        patient.addName().setFamily("Journaled");
        patient.setId(new IdType("Patient", first.nextId()));
        first.commit(List.of(patient));
        patient.getNameFirstRep().setFamily("Amended");
        first.commit(List.of(patient));
        first.close();

        SandboxStore reopened = openStore();

        String id = patient.getIdElement().getIdPart();
        Resource current = reopened.current("Patient", id).orElseThrow();
        assertThat(current.getMeta().getVersionId()).isEqualTo("2");
        assertThat(((Patient) current).getNameFirstRep().getFamily()).isEqualTo("Amended");
        assertThat(current.getIdElement().getVersionIdPart()).isEqualTo("2");
        Patient firstVersion = (Patient) reopened.version("Patient", id, "1").orElseThrow();
        assertThat(firstVersion.getNameFirstRep().getFamily()).isEqualTo("Journaled");
        assertThat(reopened.count("Patient")).isEqualTo(1);
        assertThat(Long.parseLong(reopened.nextId())).isGreaterThan(Long.parseLong(id));
        reopened.close();
    }

    @Test
    void seedPatientsArePlantedOnceAcrossRestarts() throws IOException {
        SandboxStore first = openStore();
        int plantedFirst = new PatientSeed(fhirContext).plantInto(first);
        first.close();

        SandboxStore second = openStore();
        int plantedSecond = new PatientSeed(fhirContext).plantInto(second);

        assertThat(plantedFirst).isEqualTo(5);
        assertThat(plantedSecond).isZero();
        assertThat(second.count("Patient")).isEqualTo(5);
        assertThat(second.current("Patient", "sbx-ana-rivera")
                        .orElseThrow()
                        .getMeta()
                        .getVersionId())
                .isEqualTo("1");
        second.close();
    }

    @Test
    void tornLastLineFromACrashIsIgnored() throws IOException {
        SandboxStore first = openStore();
        Patient patient = new Patient();
        patient.setId(new IdType("Patient", "kept"));
        first.commit(List.of(patient));
        first.close();
        Files.writeString(
                dataDir.resolve("journal.ndjson"),
                "{\"resourceType\":\"Pati",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        SandboxStore reopened = openStore();

        assertThat(reopened.count("Patient")).isEqualTo(1);
        reopened.close();
    }

    private SandboxStore openStore() {
        return new SandboxStore(new ResourceJournal(dataDir.resolve("journal.ndjson"), fhirContext), Clock.systemUTC());
    }
}
