package org.annulus.bridge.document;

/** The clinician who wrote the document, by NPI. */
public record Author(String npi, String name) {}
