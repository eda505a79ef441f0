package org.annulus.jpaserver;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.annulus.bridge.JvmProcess;
import org.annulus.bridge.TestPatients;
import org.annulus.bridge.TestPatients.TestPatient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the HAPI FHIR JPA server ({@code src/jpaserver/java}, {@value #SERVER_CLASS}) as a child
 * process of the test JVM and talks to it: seeding fictional patients, counting what the bridge wrote.
 * Close it to stop the server.
 *
 * <p>The server runs on its own classpath, which the build assembles before the tests ({@code
 * maven-antrun-plugin} in {@code pom.xml}: the server's classes in {@value #CLASSES} and its jars,
 * listed in {@value #CLASSPATH_FILE}); HAPI's JPA stack (Hibernate, Quartz, Spring Data) is never on
 * the bridge's test classpath. Paths are relative to the project directory, where Maven runs the tests.
 * Registered as a JUnit extension ({@code @RegisterExtension}), it stops after the test class.
 */
public final class JpaFhirServerProcess implements AutoCloseable, AfterAllCallback {

    /** The business identifier system the bridge stamps on every resource it writes. */
    public static final String BRIDGE_SID = "http://annulus.org/fhir/sid/bridge-resource";

    static final String SERVER_CLASS = "org.annulus.jpaserver.JpaFhirServer";
    static final String CLASSES = "target/jpaserver-classes";
    static final String CLASSPATH_FILE = "target/jpaserver.classpath";

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    /**
     * What the server lets a client do: all of HAPI's JPA server, or only what a hospital EHR takes from a
     * backend app (no transactions, {@code If-None-Exist} ignored, no identifier search on clinical types,
     * writes of some types only; see {@code RestrictedEhr} in {@code src/jpaserver/java}).
     */
    public enum Mode {
        OPEN("open"),
        /** Creates Condition, Observation and DocumentReference, updates nothing; refuses the rest. */
        EPIC_LIKE("epic-like"),
        /** Writes Condition, Procedure, Observation and DocumentReference; CarePlan, Goal, ServiceRequest read-only. */
        ORACLE_LIKE("oracle-like");

        private final String argument;

        Mode(String argument) {
            this.argument = argument;
        }
    }

    private final JvmProcess process;
    private final Path portFile;
    private final String baseUrl;
    private final IGenericClient client;

    private JpaFhirServerProcess(JvmProcess process, Path portFile, int port) {
        this.process = process;
        this.portFile = portFile;
        this.baseUrl = "http://127.0.0.1:" + port + "/fhir";
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
        this.client = FHIR.newRestfulGenericClient(baseUrl);
    }

    /**
     * Launches the server on the given port of 127.0.0.1; returns at once (start-up takes 20-60 s),
     * {@link #awaitReady} waits for it. C1-only JIT by default: it halves start-up, which is what
     * tests wait for; pass JVM options to replace that (e.g. none of it for a long load run).
     */
    public static JpaFhirServerProcess launch(Path workDir, int port, String... jvmOptions) {
        return launch(workDir, port, Mode.OPEN, jvmOptions);
    }

    /** {@link #launch(Path, int, String...)} in the given mode. */
    public static JpaFhirServerProcess launch(Path workDir, int port, Mode mode, String... jvmOptions) {
        return launch(workDir, port, mode, List.of(), jvmOptions);
    }

    /**
     * {@link #launch(Path, int, Mode, String...)} with more server arguments: {@code --jdbc=<url>} (its
     * database instead of H2 in memory), {@code --record=<file>} (each write request it receives, a JSON line).
     */
    public static JpaFhirServerProcess launch(
            Path workDir, int port, Mode mode, List<String> serverArguments, String... jvmOptions) {
        try {
            Files.createDirectories(workDir);
            Path portFile = workDir.resolve("jpa-fhir-server.port");
            Files.deleteIfExists(portFile);
            List<String> options = new ArrayList<>(List.of("-Xmx768m", "-XX:+UseSerialGC"));
            options.addAll(jvmOptions.length == 0 ? List.of("-XX:TieredStopAtLevel=1") : List.of(jvmOptions));
            JvmProcess process = JvmProcess.start(
                    "HAPI FHIR JPA server",
                    workDir.resolve("jpa-fhir-server.log"),
                    options,
                    serverClasspath(),
                    SERVER_CLASS,
                    java.util.stream.Stream.concat(
                                    java.util.stream.Stream.of(
                                            portFile.toString(), Integer.toString(port), "--mode=" + mode.argument),
                                    serverArguments.stream())
                            .toList());
            return new JpaFhirServerProcess(process, portFile, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String serverClasspath() throws IOException {
        Path jars = Path.of(CLASSPATH_FILE);
        if (!Files.exists(jars) || !Files.isDirectory(Path.of(CLASSES))) {
            throw new IllegalStateException("no JPA server build in target/ (run from the project directory after "
                    + "./mvnw test-compile): " + jars.toAbsolutePath());
        }
        return Path.of(CLASSES).toAbsolutePath()
                + java.io.File.pathSeparator
                + Files.readString(jars).strip();
    }

    /** Its FHIR base URL, known at once; it answers there once {@link #awaitReady} returns. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Waits (at most {@code limit}) until the server answers (it writes its port file then); its FHIR base URL. */
    public String awaitReady(Duration limit) {
        process.awaitReady(limit, () -> Files.exists(portFile));
        return baseUrl;
    }

    /** The server process's id (for the benchmark's CPU figures from /proc). */
    public long pid() {
        return process.process().pid();
    }

    public IGenericClient client() {
        return client;
    }

    /** Creates (conditionally, by MRN) a fictional patient; its server id. */
    public String seedPatient(TestPatient fictional) {
        Patient patient = new Patient();
        patient.addIdentifier()
                .setSystem(TestPatients.MRN_SYSTEM)
                .setValue(fictional.mrn())
                .getType()
                .addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/v2-0203")
                .setCode("MR");
        patient.addName()
                .setFamily(fictional.family())
                .setGiven(fictional.given().stream().map(StringType::new).toList());
        patient.setBirthDateElement(new DateType(fictional.birthDate()));
        patient.setGender(fictional.gender());
        return client().create()
                .resource(patient)
                .conditionalByUrl("Patient?identifier=" + TestPatients.MRN_SYSTEM + "|" + fictional.mrn())
                .execute()
                .getId()
                .getIdPart();
    }

    /** How many resources of the type the server holds (current versions, not deleted). */
    public int count(String type) {
        return client().search()
                .forResource(type)
                .summaryMode(SummaryEnum.COUNT)
                .returnBundle(Bundle.class)
                .execute()
                .getTotal();
    }

    /** Every resource of the type, all pages. */
    public List<Resource> all(String type) {
        List<Resource> resources = new ArrayList<>();
        Bundle page = client().search()
                .forResource(type)
                .count(500)
                .returnBundle(Bundle.class)
                .execute();
        for (int pages = 0; pages < 10_000; pages++) {
            page.getEntry().forEach(e -> resources.add(e.getResource()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                return resources;
            }
            page = client().loadPage().next(page).execute();
        }
        throw new IllegalStateException("more than 10,000 pages of " + type);
    }

    /**
     * For each bridge business identifier ({@value #BRIDGE_SID}) on resources of the type: the ids of
     * the distinct resources carrying it. More than one id is a duplicate.
     */
    public Map<String, Set<String>> resourcesByBridgeIdentifier(String type) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (Resource resource : all(type)) {
            for (Identifier identifier : identifiers(resource)) {
                if (BRIDGE_SID.equals(identifier.getSystem())) {
                    ids.computeIfAbsent(identifier.getValue(), k -> new HashSet<>())
                            .add(resource.getIdPart());
                }
            }
        }
        return ids;
    }

    private static List<Identifier> identifiers(Resource resource) {
        if (!(resource instanceof DomainResource)) {
            return List.of();
        }
        return resource.getNamedProperty("identifier") == null
                ? List.of()
                : resource.getNamedProperty("identifier").getValues().stream()
                        .filter(Identifier.class::isInstance)
                        .map(Identifier.class::cast)
                        .toList();
    }

    @Override
    public void close() {
        process.terminate();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
