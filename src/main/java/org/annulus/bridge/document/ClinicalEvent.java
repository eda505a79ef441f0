package org.annulus.bridge.document;

/** A complication of the procedure or an adverse event during recovery. */
public record ClinicalEvent(String code, String description, String severity) {}
