package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A document version's status; {@link #code()} is the wire name (and what the store keeps). */
public enum DocumentStatus {
    @JsonProperty("final")
    FINAL("final"),
    @JsonProperty("amended")
    AMENDED("amended"),
    @JsonProperty("entered-in-error")
    ENTERED_IN_ERROR("entered-in-error");

    private final String code;

    DocumentStatus(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
