package org.annulus.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The hostile-input table: each case is a fresh fixture, one mutation, and the exact answer —
 * HTTP status and the {@code expression} of every issue (none for a refusal that names no field).
 * Run by {@link DocumentFlowContract} on H2 and PostgreSQL, which also checks nothing was stored.
 */
final class HostileInput {

    /** One row: {@code name}, the request made from a fresh fixture, the status, the expressions. */
    record Case(
            String name,
            String fixture,
            Function<ObjectNode, RawHttp.Request> request,
            int status,
            List<String> expressions) {

        @Override
        public String toString() {
            return name;
        }
    }

    static final String CA = "candidacy-unilateral-left";
    static final String PN = "procedure-single-level";
    static final String RM = "milestone-normal-activity";
    static final int LIMIT = 1_048_576; // bridge.intake.max-document-bytes, the default

    private HostileInput() {}

    static Stream<Case> cases() {
        String tomorrow = OffsetDateTime.now(ZoneOffset.UTC)
                .plusDays(1)
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
        String nextYear = LocalDate.now(ZoneOffset.UTC).plusYears(1).toString();
        String longId = "A".repeat(65);
        List<Case> cases = new ArrayList<>(List.of(
                // --- the body as a whole: framing, encoding, size
                bytes("empty body", CA, d -> new byte[0], 400, "$"),
                text("whitespace only", CA, d -> "   \n ", 422, "$"),
                text("a JSON array", CA, d -> "[" + d + "]", 422, "$"),
                text("a JSON string", CA, d -> "\"candidacy-assessment\"", 422, "$"),
                text("truncated JSON", CA, d -> d.substring(0, d.length() / 2), 400, "$"),
                text("trailing garbage", CA, d -> d + " {}", 400, "$"),
                text("duplicate key", CA, d -> d.replaceFirst("\\{", "{\"odi\": 1, "), 400, "$"),
                text("NaN token", CA, d -> d.replace("\"odi\":46", "\"odi\":NaN"), 400, "$"),
                text("single quotes", CA, d -> d.replace("\"odi\":46", "'odi':46"), 400, "$"),
                text("comment", CA, d -> d.replace("\"odi\":46", "/* x */ \"odi\":46"), 400, "$"),
                text("nesting 10,000 deep", CA, d -> "[".repeat(10_000) + "]".repeat(10_000), 400, "$"),
                text(
                        "nesting 20 deep in a field",
                        CA,
                        d -> d.replace("\"odi\":46", "\"odi\":" + "{\"a\":".repeat(20) + "1" + "}".repeat(20)),
                        400,
                        "$"),
                text(
                        "number of 30 digits",
                        CA,
                        d -> d.replace("\"odi\":46", "\"odi\":" + "9".repeat(30)),
                        400,
                        "$.odi"),
                text(
                        "number with 30-digit fraction",
                        PN,
                        d -> d.replace("\"fibrinVolumeMl\":2.0", "\"fibrinVolumeMl\":2." + "1".repeat(30)),
                        400,
                        "$.levels[0].fibrinVolumeMl"),
                text(
                        "field name of 200 characters",
                        CA,
                        d -> d.replaceFirst("\\{", "{\"" + "x".repeat(200) + "\": 1, "),
                        400,
                        "$"),
                bytes("UTF-16 encoded", CA, d -> json(d).getBytes(StandardCharsets.UTF_16), 400, "$"),
                bytes(
                        "invalid UTF-8 byte in a string",
                        CA,
                        d -> replace(json(d), "Jordan Lee", new byte[] {'J', (byte) 0xC3, 'x'}),
                        400,
                        "$"),
                bytes(
                        "Latin-1 character",
                        CA,
                        d -> json(d).replace("Jordan", "J\u00f6rdan").getBytes(StandardCharsets.ISO_8859_1),
                        400,
                        "$"),
                bytes(
                        "raw NUL in a string",
                        CA,
                        d -> replace(json(d), "Jordan Lee", new byte[] {'J', 0, 'L'}),
                        400,
                        "$"),
                bytes(
                        "two BOMs",
                        CA,
                        d -> concat(
                                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF
                                },
                                json(d).getBytes(StandardCharsets.UTF_8)),
                        400,
                        "$"),
                request(
                        "over the limit by Content-Length, body not sent",
                        CA,
                        d -> RawHttp.Request.json("{".getBytes(StandardCharsets.UTF_8))
                                .declaring(LIMIT * 4L),
                        413,
                        "$"),
                request("over the limit by one byte", CA, d -> RawHttp.Request.json(padded(d, LIMIT + 1)), 413, "$"),
                request(
                        "over the limit, chunked, never ending",
                        CA,
                        d -> RawHttp.Request.json(padded(d, LIMIT + 64 * 1024)).chunkedWithoutEnd(),
                        413,
                        "$"),
                request(
                        "chunked and malformed",
                        CA,
                        d -> RawHttp.Request.json("{\"kind\": ".getBytes(StandardCharsets.UTF_8))
                                .chunked(),
                        400,
                        "$"),
                request(
                        "text/plain",
                        CA,
                        d -> RawHttp.Request.json(json(d).getBytes(StandardCharsets.UTF_8))
                                .withContentType("text/plain"),
                        415),

                // --- version
                doc("version as a string", CA, d -> d.put("version", "2"), 422, "$.version"),
                doc("version 1.5", CA, d -> d.put("version", 1.5), 422, "$.version"),
                text("version 1.0", CA, d -> d.replace("\"version\":1", "\"version\":1.0"), 422, "$.version"),
                text("version 1e0", CA, d -> d.replace("\"version\":1", "\"version\":1e0"), 422, "$.version"),
                doc("version 0", CA, d -> d.put("version", 0), 422, "$.version"),
                doc("version -1", CA, d -> d.put("version", -1), 422, "$.version"),
                doc("version 2^31", CA, d -> d.put("version", 2_147_483_648L), 422, "$.version"),
                text(
                        "version of 20 digits",
                        CA,
                        d -> d.replace("\"version\":1", "\"version\":" + "9".repeat(20)),
                        422,
                        "$.version"),
                doc("version null", CA, d -> d.putNull("version"), 422, "$.version"),
                doc("version true", CA, d -> d.put("version", true), 422, "$.version"),

                // --- dates: impossible, leap seconds, future, before birth, order
                doc("leap second", CA, d -> d.put("recordedAt", "2016-12-31T23:59:60Z"), 422, "$.recordedAt"),
                doc(
                        "leap second in a milestone",
                        RM,
                        d -> d.put("recordedAt", "2016-12-31T23:59:60Z"),
                        422,
                        "$.recordedAt"),
                doc("30 February", CA, d -> d.put("recordedAt", "2026-02-30T10:00:00Z"), 422, "$.recordedAt"),
                doc("month 13", CA, d -> d.put("recordedAt", "2026-13-01T10:00:00Z"), 422, "$.recordedAt"),
                doc("hour 24", CA, d -> d.put("recordedAt", "2026-03-02T24:00:00Z"), 422, "$.recordedAt"),
                doc("offset +25:00", CA, d -> d.put("recordedAt", "2026-03-02T10:00:00+25:00"), 422, "$.recordedAt"),
                doc("no offset", CA, d -> d.put("recordedAt", "2026-03-02T10:00:00"), 422, "$.recordedAt"),
                doc("year 0000", CA, d -> d.put("recordedAt", "0000-03-02T10:00:00Z"), 422, "$.recordedAt"),
                doc(
                        "29 February of a common year",
                        CA,
                        d -> obj(d, "patient").put("birthDate", "1979-02-29"),
                        422,
                        "$.patient.birthDate"),
                doc(
                        "31 April",
                        CA,
                        d -> obj(d, "conservativeCare").put("startedOn", "2025-04-31"),
                        422,
                        "$.conservativeCare.startedOn"),
                doc("recorded tomorrow", CA, d -> d.put("recordedAt", tomorrow), 422, "$.recordedAt"),
                doc("recorded in 2999", CA, d -> d.put("recordedAt", "2999-01-01T00:00:00Z"), 422, "$.recordedAt"),
                doc("imaging next year", CA, d -> obj(d, "imaging", 0).put("date", nextYear), 422, "$.imaging[0].date"),
                doc("onset next year", CA, d -> obj(d, "legPain").put("onset", nextYear), 422, "$.legPain.onset"),
                doc("milestone tomorrow", RM, d -> d.put("recordedAt", tomorrow), 422, "$.recordedAt"),
                doc(
                        "procedure tomorrow",
                        PN,
                        d -> d.put("start", tomorrow).put("end", tomorrow),
                        422,
                        "$.end",
                        "$.start"),
                doc("recorded before birth", CA, d -> d.put("recordedAt", "1970-01-01T10:00:00Z"), 422, "$.recordedAt"),
                doc(
                        "onset before birth",
                        CA,
                        d -> obj(d, "legPain").put("onset", "1979-06-13"),
                        422,
                        "$.legPain.onset"),
                doc("procedure before birth", PN, d -> d.put("start", "1979-01-01T08:00:00Z"), 422, "$.start"),
                doc(
                        "milestone before birth",
                        RM,
                        d -> d.put("recordedAt", "1950-01-01T08:00:00Z"),
                        422,
                        "$.recordedAt"),
                doc(
                        "born in the future",
                        RM,
                        d -> obj(d, "patient").put("birthDate", nextYear),
                        422,
                        "$.patient.birthDate",
                        "$.recordedAt"),
                doc("end before start", PN, d -> d.put("end", "2026-03-20T08:04:59-05:00"), 422, "$.end"),

                // --- identifiers: bounded by the store's columns, shaped by the schema
                doc("documentId of 65 characters", CA, d -> d.put("documentId", longId), 422, "$.documentId"),
                doc("documentId with a slash", CA, d -> d.put("documentId", "CA/../x"), 422, "$.documentId"),
                doc("documentId empty", CA, d -> d.put("documentId", ""), 422, "$.documentId"),
                doc("documentId with a Cyrillic A", CA, d -> d.put("documentId", "\u0410-2026-1"), 422, "$.documentId"),
                doc(
                        "MRN of 65 characters",
                        CA,
                        d -> obj(d, "patient").put("mrn", "4".repeat(65)),
                        422,
                        "$.patient.mrn"),
                doc(
                        "MRN system of 201 characters",
                        CA,
                        d -> obj(d, "patient").put("mrnSystem", "urn:oid:" + "1.".repeat(96) + "123"),
                        422,
                        "$.patient.mrnSystem"),
                doc(
                        "candidacyDocumentId of 65 characters",
                        PN,
                        d -> d.put("candidacyDocumentId", longId),
                        422,
                        "$.candidacyDocumentId"),
                doc(
                        "procedureDocumentId with a space",
                        RM,
                        d -> d.put("procedureDocumentId", "PN 1"),
                        422,
                        "$.procedureDocumentId"),

                // --- characters no FHIR string may hold (else accepted now, REJECTED by the validator later)
                doc("NUL in the narrative", PN, d -> d.put("narrative", "no complications\u0000"), 422, "$.narrative"),
                doc(
                        "escape character in a family name",
                        CA,
                        d -> obj(d, "patient").put("family", "Ri\u001bvera"),
                        422,
                        "$.patient.family"),
                doc(
                        "vertical tab in a rationale",
                        CA,
                        d -> obj(d, "determination").put("rationale", "a\u000bb"),
                        422,
                        "$.determination.rationale"),
                text(
                        "unpaired surrogate in a name",
                        CA,
                        d -> d.replace("Jordan Lee, MD", "Jordan \\ud800 Lee"),
                        422,
                        "$.author.name"),

                // --- shape and types
                doc("kind missing", CA, d -> d.remove("kind"), 422, "$.kind"),
                doc("kind a number", CA, d -> d.put("kind", 3), 422, "$.kind"),
                doc("unknown top-level field", CA, d -> d.put("x", 1), 422, "$.x"),
                doc("patient an array", CA, d -> d.set("patient", d.arrayNode()), 422, "$.patient"),
                doc("odi as a string", CA, d -> d.put("odi", "46"), 422, "$.odi"),
                text("odi 1e400", CA, d -> d.replace("\"odi\":46", "\"odi\":1e400"), 422, "$.odi"),
                text("nrs 1e1", CA, d -> d.replace("\"nrs\":7", "\"nrs\":1e1"), 422, "$.legPain.nrs")));
        return Stream.concat(cases.stream(), generated());
    }

    /**
     * Rows generated from the contract itself: every required top-level field of every kind removed,
     * and set to null (422 at that field); the document cut short at eight places (400 at {@code $}).
     */
    static Stream<Case> generated() {
        List<Case> rows = new ArrayList<>();
        for (String fixture : List.of(CA, PN, RM)) {
            String kind = Fixtures.document(fixture).get("kind").asText();
            com.fasterxml.jackson.databind.JsonNode schema = readSchema(kind);
            for (com.fasterxml.jackson.databind.JsonNode required : schema.get("required")) {
                String field = required.asText();
                rows.add(doc(kind + ": without " + field, fixture, d -> d.remove(field), 422, "$." + field));
                rows.add(doc(kind + ": " + field + " null", fixture, d -> d.putNull(field), 422, "$." + field));
            }
        }
        for (int eighth = 1; eighth < 8; eighth++) {
            int cut = eighth;
            rows.add(text("cut at " + cut + "/8", CA, d -> d.substring(0, d.length() * cut / 8), 400, "$"));
        }
        rows.add(text("cut before the last brace", CA, d -> d.substring(0, d.length() - 1), 400, "$"));
        return rows.stream();
    }

    private static com.fasterxml.jackson.databind.JsonNode readSchema(String kind) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(java.nio.file.Path.of("src/main/resources/schemas", kind + ".schema.json")
                            .toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // --- the table's vocabulary

    static Case doc(String name, String fixture, Consumer<ObjectNode> mutation, int status, String... expressions) {
        return request(
                name,
                fixture,
                d -> {
                    mutation.accept(d);
                    return RawHttp.Request.json(json(d).getBytes(StandardCharsets.UTF_8));
                },
                status,
                expressions);
    }

    /** A mutation of the fixture's compact JSON text (no spaces: {@code "odi":46}). */
    static Case text(String name, String fixture, UnaryOperator<String> mutation, int status, String... expressions) {
        return bytes(name, fixture, d -> mutation.apply(json(d)).getBytes(StandardCharsets.UTF_8), status, expressions);
    }

    static Case bytes(
            String name, String fixture, Function<ObjectNode, byte[]> body, int status, String... expressions) {
        return request(name, fixture, d -> RawHttp.Request.json(body.apply(d)), status, expressions);
    }

    static Case request(
            String name,
            String fixture,
            Function<ObjectNode, RawHttp.Request> request,
            int status,
            String... expressions) {
        return new Case(
                name,
                fixture,
                request,
                status,
                Arrays.stream(expressions).sorted().toList());
    }

    private static String json(ObjectNode doc) {
        return Fixtures.json(doc);
    }

    private static ObjectNode obj(ObjectNode doc, String field) {
        return (ObjectNode) doc.get(field);
    }

    private static ObjectNode obj(ObjectNode doc, String array, int index) {
        return (ObjectNode) doc.get(array).get(index);
    }

    /** The document followed by spaces up to {@code size} bytes: valid JSON, only too large. */
    private static byte[] padded(ObjectNode doc, int size) {
        byte[] json = json(doc).getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(json, size);
        Arrays.fill(body, json.length, size, (byte) ' ');
        return body;
    }

    private static byte[] replace(String json, String target, byte[] with) {
        int at = json.indexOf(target);
        byte[] before = json.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] after = json.substring(at + target.length()).getBytes(StandardCharsets.UTF_8);
        return concat(concat(before, with), after);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
