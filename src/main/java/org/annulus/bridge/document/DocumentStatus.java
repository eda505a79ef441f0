package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum DocumentStatus {
    @JsonProperty("final") FINAL,
    @JsonProperty("amended") AMENDED,
    @JsonProperty("entered-in-error") ENTERED_IN_ERROR
}
