package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum Side {
    @JsonProperty("left")
    LEFT,
    @JsonProperty("right")
    RIGHT,
    @JsonProperty("bilateral")
    BILATERAL
}
