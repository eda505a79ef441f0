package org.annulus.bridge.document;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** A lumbar (or thoracolumbar) intervertebral disc, named by the vertebrae around it. */
public enum DiscLevel {
    T12_L1("T12-L1"),
    L1_L2("L1-L2"),
    L2_L3("L2-L3"),
    L3_L4("L3-L4"),
    L4_L5("L4-L5"),
    L5_S1("L5-S1");

    private final String code;

    DiscLevel(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    @JsonCreator
    static DiscLevel parse(String code) {
        return Arrays.stream(values())
                .filter(l -> l.code.equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown disc level"));
    }
}
