package org.annulus.bridge;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.hl7.fhir.r4.model.PlanDefinition;

/** Clinic documents from {@code test-fixtures/input/}, made unique per test where needed; the recovery protocol. */
public final class Fixtures {

    public static final Path ROOT = Path.of("test-fixtures");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    public static ObjectNode document(String name) {
        try {
            return (ObjectNode)
                    JSON.readTree(ROOT.resolve("input").resolve(name + ".json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture with a fresh documentId, so tests sharing one database never collide. */
    public static ObjectNode fresh(String name) {
        ObjectNode doc = document(name);
        doc.put(
                "documentId",
                doc.get("documentId").asText().substring(0, 3)
                        + UUID.randomUUID().toString().substring(0, 18));
        return doc;
    }

    /** Our business identifier value of a part of {@code doc}: {@code kind/patientKey/documentId/part}. */
    public static String identifier(ObjectNode doc, String part) {
        return identifier(doc, doc.get("kind").asText(), doc.get("documentId").asText(), part);
    }

    /** Our business identifier value of a part of document {@code kind/documentId} of {@code about}'s patient. */
    public static String identifier(ObjectNode about, String kind, String documentId, String part) {
        org.annulus.bridge.document.PatientIdentity patient = new org.annulus.bridge.document.PatientIdentity(
                about.at("/patient/mrn").asText(),
                about.at("/patient/mrnSystem").asText(),
                null,
                null,
                null,
                null);
        return kind + "/" + patient.identifierKey() + "/" + documentId + "/" + part;
    }

    public static String json(ObjectNode doc) {
        try {
            return JSON.writeValueAsString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The recovery PlanDefinition of {@code fhir-profiles/}, freshly parsed (so a test may change it),
     * as the running bridge reads it from {@code bridge.profiles.dir}.
     */
    public static PlanDefinition recoveryProtocol() {
        return FhirContext.forR4Cached()
                .newJsonParser()
                .parseResource(
                        PlanDefinition.class, read(Path.of("fhir-profiles", "PlanDefinition-fibrin-recovery.json")));
    }

    public static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
