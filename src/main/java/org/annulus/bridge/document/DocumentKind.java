package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** The three kinds of document the clinic sends; {@link #code()} is the wire name. */
public enum DocumentKind {
    CANDIDACY_ASSESSMENT("candidacy-assessment"),
    PROCEDURE_NOTE("procedure-note"),
    RECOVERY_MILESTONE("recovery-milestone");

    private final String code;

    DocumentKind(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    public static Optional<DocumentKind> fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code.equals(code)).findFirst();
    }

    @JsonCreator
    static DocumentKind parse(String code) {
        return fromCode(code).orElseThrow(() -> new IllegalArgumentException("unknown kind"));
    }
}
