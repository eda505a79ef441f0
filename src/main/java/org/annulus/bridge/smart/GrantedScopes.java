package org.annulus.bridge.smart;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares requested with granted scopes, SMART v1 and v2 alike (SMART App Launch 2.x, "Scopes for
 * requesting FHIR resources": v1 {@code read} = v2 {@code rs}, v1 {@code write} = v2 {@code cud},
 * {@code *} = {@code cruds}). A server may grant a v2 scope for a v1 request or the reverse.
 */
final class GrantedScopes {

    private static final Pattern RESOURCE_SCOPE =
            Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.([a-z*]+)(\\?.*)?");

    private GrantedScopes() {}

    static List<String> split(String scopes) {
        return scopes == null || scopes.isBlank()
                ? List.of()
                : List.of(scopes.trim().split("\\s+"));
    }

    /** The requested scopes that no granted scope covers. */
    static List<String> missing(List<String> requested, List<String> granted) {
        List<String> missing = new ArrayList<>();
        for (String wanted : requested) {
            if (granted.stream().noneMatch(g -> covers(g, wanted))) {
                missing.add(wanted);
            }
        }
        return missing;
    }

    static boolean covers(String granted, String wanted) {
        if (granted.equals(wanted)) {
            return true;
        }
        Matcher g = RESOURCE_SCOPE.matcher(granted);
        Matcher w = RESOURCE_SCOPE.matcher(wanted);
        if (!g.matches() || !w.matches() || !g.group(1).equals(w.group(1))) {
            return false;
        }
        boolean resourceCovered = g.group(2).equals("*") || g.group(2).equals(w.group(2));
        // A granted scope narrowed by a query (?category=...) does not cover an unnarrowed request.
        boolean queryCovered = g.group(4) == null || g.group(4).equals(w.group(4));
        return resourceCovered && queryCovered && permissions(g.group(3)).containsAll(permissions(w.group(3)));
    }

    private static Set<Character> permissions(String p) {
        String v2 =
                switch (p) {
                    case "read" -> "rs";
                    case "write" -> "cud";
                    case "*" -> "cruds";
                    default -> p;
                };
        Set<Character> letters = new TreeSet<>();
        for (char c : v2.toCharArray()) {
            letters.add(c);
        }
        return letters;
    }
}
