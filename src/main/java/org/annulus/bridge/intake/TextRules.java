package org.annulus.bridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.annulus.bridge.outcome.Problem;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Characters no FHIR string may hold, refused at intake rather than by the validator after we
 * answered 202: FHIR R4 "string" excludes code points below U+0020 other than tab, CR and LF
 * (https://hl7.org/fhir/R4/datatypes.html#string), and an unpaired surrogate is not Unicode text.
 */
final class TextRules {

    private TextRules() {}

    static List<Problem> check(JsonNode document) {
        List<Problem> problems = new ArrayList<>();
        walk(document, "$", problems);
        return problems;
    }

    private static void walk(JsonNode node, String path, List<Problem> problems) {
        if (node.isTextual()) {
            String why = illegal(node.textValue());
            if (why != null) {
                problems.add(new Problem(IssueType.VALUE, path, why));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", problems);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                walk(field.getValue(), path + "." + field.getKey(), problems);
            }
        }
    }

    private static String illegal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return "control character U+" + String.format("%04X", (int) c) + " is not allowed in text";
            }
            if (Character.isHighSurrogate(c)
                            && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)))) {
                return "unpaired surrogate: not Unicode text";
            }
        }
        return null;
    }
}
