package org.annulus.bridge.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.annulus.bridge.BridgeProcess;
import org.annulus.bridge.JvmProcess;
import org.annulus.bridge.TestPatients.TestPatient;
import org.annulus.jpaserver.JpaFhirServerProcess;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * A fresh HAPI FHIR JPA server for one measurement: its own process, on a PostgreSQL database of its own
 * ({@code bench_ehr_<pid>_<n>}, dropped on close) or on H2 in memory, optionally recording the writes it
 * receives, with the run's patients seeded under their fixed server ids.
 */
final class EhrServer implements AutoCloseable {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";
    private static int made;

    private final JpaFhirServerProcess process;
    private final String database;

    private EhrServer(JpaFhirServerProcess process, String database) {
        this.process = process;
        this.database = database;
    }

    /** Starts it (on H2 when {@code onH2}), waits until it answers, seeds the cohorts. */
    static EhrServer start(Path work, boolean onH2, Path record, List<Cohort> cohorts) {
        String database = onH2 ? null : "bench_ehr_" + ProcessHandle.current().pid() + "_" + (++made);
        List<String> arguments = new ArrayList<>();
        if (database != null) {
            sql("postgres", "create database " + database);
            arguments.add("--jdbc=" + POSTGRES + database);
        }
        if (record != null) {
            arguments.add("--record=" + record.toAbsolutePath());
        }
        JpaFhirServerProcess process = JpaFhirServerProcess.launch(
                work, JvmProcess.freePort(), JpaFhirServerProcess.Mode.OPEN, arguments, "-Xmx1g");
        EhrServer server = new EhrServer(process, database);
        try {
            process.awaitReady(Duration.ofMinutes(8));
            cohorts.forEach(server::seed);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    String baseUrl() {
        return process.baseUrl();
    }

    long pid() {
        return process.pid();
    }

    String store() {
        return database == null ? "H2 in memory" : "PostgreSQL (database of its own)";
    }

    /** The cohort's patients, PUT under their fixed ids in batches. */
    private void seed(Cohort cohort) {
        List<TestPatient> patients = cohort.patients();
        for (int from = 0; from < patients.size(); from += 200) {
            Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
            for (TestPatient fictional : patients.subList(from, Math.min(patients.size(), from + 200))) {
                Patient patient = new Patient();
                patient.setId(Cohort.serverId(fictional));
                patient.addIdentifier().setSystem(Cohort.mrnSystem()).setValue(fictional.mrn()).getType()
                        .addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("MR");
                patient.addName().setFamily(fictional.family())
                        .setGiven(fictional.given().stream().map(StringType::new).toList());
                patient.setBirthDateElement(new DateType(fictional.birthDate()));
                patient.setGender(fictional.gender());
                batch.addEntry().setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                        .setUrl("Patient/" + Cohort.serverId(fictional));
            }
            process.client().transaction().withBundle(batch).execute();
        }
    }

    @Override
    public void close() {
        process.close();
        if (database != null) {
            sql("postgres", "drop database if exists " + database + " with (force)");
        }
    }

    /** Whether the JPA server's classpath has the PostgreSQL driver (the build adds it under -Pbench). */
    static boolean serverHasPostgresDriver() {
        try {
            return java.nio.file.Files.readString(Path.of("target", "jpaserver.classpath")).contains("postgresql");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Whether PostgreSQL answers at 127.0.0.1:5432 and lets the benchmark create a database. */
    static boolean postgresCanCreate() {
        try {
            String probe = "bench_probe_" + ProcessHandle.current().pid();
            sql("postgres", "create database " + probe);
            sql("postgres", "drop database " + probe);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void sql(String db, String statement) {
        try (Connection c = DriverManager.getConnection(POSTGRES + db, BridgeProcess.PG_USER, "");
                Statement st = c.createStatement()) {
            st.execute(statement);
        } catch (Exception e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }
}
