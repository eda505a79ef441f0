package org.annulus.bridge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;

/**
 * The fictional patients of the tests and benchmarks, in one place. The first three are the
 * sandbox EHR's ({@code src/main/resources/sandbox/patients.json}) with the demographics it has for
 * them; the others are seeded by the tests that need them into a server of their own.
 */
public final class TestPatients {

    /** The MRN system of the fixtures and of the sandbox EHR. */
    public static final String MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5.99999.1";

    /** A fictional patient as a document names them. */
    public record TestPatient(String mrn, String family, List<String> given, String birthDate, String sex) {

        public TestPatient {
            given = List.copyOf(given);
        }

        /** The document's {@code patient} section. */
        public ObjectNode asDocumentPatient() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("mrn", mrn).put("mrnSystem", MRN_SYSTEM).put("family", family);
            given.forEach(node.putArray("given")::add);
            return node.put("birthDate", birthDate).put("sex", sex);
        }

        public AdministrativeGender gender() {
            return AdministrativeGender.fromCode(sex);
        }

        Stream<String> identifying() {
            return Stream.concat(Stream.of(mrn, family, birthDate), given.stream());
        }
    }

    public static final TestPatient ANA_RIVERA =
            new TestPatient("448812", "Rivera", List.of("Ana", "Lucia"), "1979-06-14", "female");
    public static final TestPatient MARCUS_OKAFOR =
            new TestPatient("448813", "Okafor", List.of("Marcus", "Ade"), "1985-02-03", "male");
    public static final TestPatient JUNE_TAKAHASHI =
            new TestPatient("448814", "Takahashi", List.of("June"), "1962-11-21", "female");

    /** The sandbox EHR's patients that a document's demographics match (one each). */
    public static final List<TestPatient> SANDBOX = List.of(ANA_RIVERA, MARCUS_OKAFOR, JUNE_TAKAHASHI);

    /** Seeded into the restricted JPA servers, which are not the sandbox. */
    public static final TestPatient MAJA_LINDQVIST =
            new TestPatient("640917", "Lindqvist", List.of("Maja"), "1985-11-03", "female");

    public static final TestPatient CHIDI_OKAFOR =
            new TestPatient("771204", "Okafor", List.of("Chidi"), "1968-02-29", "male");

    /** Ten patients for the load run: the sandbox's three and seven more. */
    public static final List<TestPatient> LOAD_RUN = List.of(
            ANA_RIVERA,
            MARCUS_OKAFOR,
            JUNE_TAKAHASHI,
            new TestPatient("448815", "Lindqvist", List.of("Eva"), "1971-04-30", "female"),
            new TestPatient("448816", "Mensah", List.of("Kwame"), "1968-09-12", "male"),
            new TestPatient("448817", "Duarte", List.of("Sofia", "Maria"), "1990-01-25", "female"),
            new TestPatient("448818", "Novak", List.of("Petr"), "1959-07-07", "male"),
            new TestPatient("448819", "Haddad", List.of("Lina"), "1983-12-18", "female"),
            new TestPatient("448820", "OBrien", List.of("Sean"), "1975-05-05", "male"),
            new TestPatient("448821", "Castillo", List.of("Diego"), "1993-08-09", "male"));

    private static final Pattern IDENTIFYING =
            Pattern.compile(Stream.of(LOAD_RUN.stream(), Stream.of(MAJA_LINDQVIST, CHIDI_OKAFOR))
                    .flatMap(s -> s)
                    .flatMap(TestPatient::identifying)
                    .distinct()
                    .map(value -> "(?<![\\p{L}\\d])" + Pattern.quote(value) + "(?![\\p{L}\\d])")
                    .reduce((a, b) -> a + "|" + b)
                    .orElseThrow());

    private TestPatients() {}

    /**
     * The text with every test patient's MRN, name and birth date masked: a failure message quoting a
     * child process's log must not carry them even if the log does.
     */
    public static String redacted(String text) {
        return IDENTIFYING.matcher(text).replaceAll(Matcher.quoteReplacement("[redacted]"));
    }
}
