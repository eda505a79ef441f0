package org.annulus.bridge.smart;

import java.time.Duration;

/**
 * The FHIR server to authorize against.
 *
 * @param fhirBaseUrl    its FHIR base URL; discovery starts here
 * @param sandbox        whether it is the in-process sandbox EHR (which accepts a temporary key)
 * @param connectTimeout TCP connect timeout for discovery and token requests
 * @param readTimeout    response timeout for discovery and token requests
 */
public record SmartTarget(String fhirBaseUrl, boolean sandbox, Duration connectTimeout, Duration readTimeout) {}
