package org.annulus.bridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.annulus.bridge.Fixtures;
import org.annulus.bridge.document.ClinicalDocument;
import org.annulus.bridge.document.DocumentReader;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The coded rules of {@link CodedRules} over every golden bundle, every mapper output of the
 * golden inputs and fixtures, and a grid of generated assessments (each side, level, decision and
 * attribution), so that a combination no golden covers cannot slip an Excludes1 pair through.
 */
class CodedRulesTest {

    final ClinicalMapper mapper = new ClinicalMapper(Fixtures.recoveryProtocol());
    final DocumentReader reader = new DocumentReader();
    final GoldenMappingTest golden = new GoldenMappingTest();

    static Stream<String> cases() throws IOException {
        return GoldenMappingTest.cases();
    }

    /** The documents of a golden case: one, or the array of a recovery-plan case. */
    List<ClinicalDocument> documents(String name) throws IOException {
        JsonNode input = GoldenMappingTest.JSON.readTree(
                GoldenMappingTest.GOLDEN.resolve(name + ".input.json").toFile());
        List<ClinicalDocument> docs = new ArrayList<>();
        (input.isArray() ? input : GoldenMappingTest.JSON.createArrayNode().add(input))
                .forEach(d -> docs.add(reader.read(d)));
        return docs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenBundleKeepsTheCodedRules(String name) throws IOException {
        Bundle expected = GoldenMappingTest.FHIR
                .newJsonParser()
                .parseResource(
                        Bundle.class, Files.readString(GoldenMappingTest.GOLDEN.resolve(name + ".expected.json")));
        Bundle mapped = golden.map(name);
        ClinicalDocument first = documents(name).get(0);

        assertThat(CodedRules.violations(expected, first))
                .as(name + ".expected.json")
                .isEmpty();
        assertThat(CodedRules.violations(mapped, first)).as(name + " mapped").isEmpty();
    }

    @Test
    void everyFixtureAndSharedExampleKeepsTheCodedRules() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("test-fixtures", "input"), Path.of("..", "shared", "examples"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(f -> f.toString().endsWith(".json")).forEach(files::add);
                }
            }
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            ClinicalDocument doc = reader.read(GoldenMappingTest.JSON.readTree(file.toFile()));
            assertThat(CodedRules.violations(mapper.map(doc), doc))
                    .as(file.toString())
                    .isEmpty();
        }
    }

    /** Every side × torn level × decision × stated attribution, from one v1.1 assessment. */
    static Stream<ObjectNode> grid() throws IOException {
        ObjectNode base = (ObjectNode) GoldenMappingTest.JSON.readTree(GoldenMappingTest.GOLDEN
                .resolve("candidacy-v1-1-exam-findings.input.json")
                .toFile());
        List<ObjectNode> all = new ArrayList<>();
        for (String side : List.of("left", "right", "bilateral")) {
            for (String level : List.of("T12-L1", "L3-L4", "L4-L5", "L5-S1")) {
                for (String decision : List.of("candidate", "not-candidate", "refer-surgical")) {
                    for (String attributed : List.of("true", "false", "absent")) {
                        ObjectNode doc = base.deepCopy();
                        ObjectNode leg = (ObjectNode) doc.get("legPain");
                        leg.put("side", side);
                        if (attributed.equals("absent")) {
                            leg.remove("attributedToDisc");
                        } else {
                            leg.put("attributedToDisc", Boolean.parseBoolean(attributed));
                        }
                        ObjectNode finding = (ObjectNode)
                                doc.get("imaging").get(0).get("findings").get(0);
                        finding.put("level", level);
                        ((ObjectNode) doc.get("imaging").get(0).get("findings").get(1))
                                .put("level", level.equals("L5-S1") ? "L4-L5" : "L5-S1");
                        ObjectNode det = (ObjectNode) doc.get("determination");
                        det.put("decision", decision);
                        if (decision.equals("candidate")) {
                            det.putArray("targetLevels").add(level);
                        } else {
                            det.remove("targetLevels");
                        }
                        if (decision.equals("refer-surgical")) {
                            ((ObjectNode) doc.get("exclusions")).put("severeStenosisWithProgressiveDeficit", true);
                        }
                        doc.put("documentId", "CA-GRID-" + side + "-" + level + "-" + decision + "-" + attributed);
                        all.add(doc);
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("grid")
    void noCombinationEmitsAnExcludes1PairOrLosesTheSide(ObjectNode json) {
        Bundle bundle = mappedWithinTheRules(json);

        Set<String> icd = icdCodes(bundle);
        boolean attributed = json.get("legPain").has("attributedToDisc")
                ? json.get("legPain").get("attributedToDisc").asBoolean()
                : json.get("determination").get("decision").asText().equals("candidate");
        if (attributed) {
            assertThat(icd)
                    .as("disc-attributed: M51.1x, no M54.3x")
                    .anyMatch(c -> c.startsWith("M51.1"))
                    .noneMatch(c -> c.startsWith("M54.3"));
        } else {
            assertThat(icd)
                    .as("not disc-attributed: M54.3x, no M51.1x")
                    .anyMatch(c -> c.startsWith("M54.3"))
                    .noneMatch(c -> c.startsWith("M51.1"));
        }
    }

    /** Every milestone × stated side (or none) × with and without an adverse event, from one v1.1 follow-up. */
    static Stream<ObjectNode> followUps() throws IOException {
        ObjectNode base = (ObjectNode) GoldenMappingTest.JSON.readTree(GoldenMappingTest.GOLDEN
                .resolve("milestone-adverse-event-discitis.input.json")
                .toFile());
        List<ObjectNode> all = new ArrayList<>();
        for (String milestone : List.of(
                "light-walking",
                "physical-therapy-started",
                "normal-activity",
                "follow-up-6-weeks",
                "follow-up-3-months",
                "follow-up-6-months",
                "full-benefit")) {
            for (String side : List.of("left", "right", "bilateral", "absent")) {
                for (boolean adverse : List.of(true, false)) {
                    ObjectNode doc = base.deepCopy();
                    doc.put("milestone", milestone);
                    if (side.equals("absent")) {
                        doc.remove("legPainSide");
                    } else {
                        doc.put("legPainSide", side);
                    }
                    if (!adverse) {
                        doc.putArray("adverseEvents");
                    }
                    doc.put("documentId", "RM-GRID-" + milestone + "-" + side + "-" + adverse);
                    all.add(doc);
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("followUps")
    void followUpsKeepTheSideTheirNoteAndTheirAdverseEvents(ObjectNode json) {
        Bundle bundle = mappedWithinTheRules(json);

        assertThat(bundle.getEntry())
                .as("one progress note")
                .filteredOn(e -> e.getResource() instanceof org.hl7.fhir.r4.model.DocumentReference)
                .hasSize(1);
    }

    @Test
    void theRulesCatchAComplicationLeftInsideTheProcedure() throws IOException {
        Bundle bundle = golden.map("procedure-with-complication");
        bundle.getEntry().removeIf(e -> e.getResource() instanceof Condition);
        bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(org.hl7.fhir.r4.model.Procedure.class::isInstance)
                .forEach(p -> ((org.hl7.fhir.r4.model.Procedure) p)
                        .getComplicationDetail()
                        .clear());

        assertThat(CodedRules.complicationViolations(bundle)).anyMatch(v -> v.contains("1 complications links 0"));
    }

    @Test
    void tableNamesASourceForEveryPair() {
        assertThat(CodedRules.excludes1()).hasSizeGreaterThanOrEqualTo(3).allSatisfy(e -> assertThat(e.source())
                .isNotBlank());
    }

    @Test
    void theRulesCatchWhatTheOldMappingSent() throws IOException {
        // What the bridge wrote before issue 9: M54.32 on the sciatica beside M51.16 on the tear, and a
        // bare "Left" qualifier as the body site.
        Bundle old = new Bundle();
        Condition sciatica = new Condition()
                .setCode(new CodeableConcept()
                        .addCoding(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "M54.32", "Sciatica, left side")));
        sciatica.addBodySite(new CodeableConcept(new Coding("http://snomed.info/sct", "7771000", "Left")));
        Condition tear = new Condition()
                .setCode(new CodeableConcept()
                        .addCoding(new Coding(
                                "http://hl7.org/fhir/sid/icd-10-cm",
                                "M51.16",
                                "Intervertebral disc disorders with radiculopathy")));
        old.addEntry().setResource(sciatica);
        old.addEntry().setResource(tear);
        ClinicalDocument doc = reader.read(GoldenMappingTest.JSON.readTree(GoldenMappingTest.GOLDEN
                .resolve("candidacy-unilateral-left.input.json")
                .toFile()));

        List<String> found = CodedRules.violations(old, doc);

        assertThat(found)
                .anyMatch(v -> v.startsWith("Excludes1 M54.3- with M51.1-"))
                .anyMatch(v -> v.contains("bare laterality qualifier"))
                .anyMatch(v -> v.contains("M54.32 (left) without a left lower-limb body site"));
    }

    private static Set<String> icdCodes(Bundle bundle) {
        return bundle.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(Condition.class::isInstance)
                .map(Condition.class::cast)
                .flatMap(c -> c.getCode().getCoding().stream())
                .filter(c -> "http://hl7.org/fhir/sid/icd-10-cm".equals(c.getSystem()))
                .map(Coding::getCode)
                .collect(Collectors.toSet());
    }

    /** The document mapped, after asserting that the bundle breaks none of the coded rules. */
    private Bundle mappedWithinTheRules(ObjectNode json) {
        ClinicalDocument doc = reader.read(json);
        Bundle bundle = mapper.map(doc);
        assertThat(CodedRules.violations(bundle, doc))
                .as(json.get("documentId").asText())
                .isEmpty();
        return bundle;
    }
}
