package org.annulus.bridge.ehr;

import java.time.Instant;

/**
 * Published after each answer the EHR gave to one of our FHIR requests, for the audit log. The query
 * may hold an MRN (patient match): it is for the audit store, never for a log line.
 *
 * @param baseUrl      the EHR's FHIR base
 * @param method       the HTTP method
 * @param interaction  the FHIR RESTful interaction (restful-interaction code: create, update, read,
 *                     search-type, transaction, batch, vread, delete, capabilities)
 * @param resourceType the resource type addressed, null for a transaction or batch
 * @param resourceId   the id addressed (read / update) or, for a create, the one the server assigned
 * @param version      the version the server answered with ({@code ETag} or {@code Location}), if any
 * @param query        the search parameters, null when not a search
 * @param status       the HTTP status of the answer
 * @param at           when the answer came
 */
public record EhrExchange(
        String baseUrl,
        String method,
        String interaction,
        String resourceType,
        String resourceId,
        String version,
        String query,
        int status,
        Instant at) {

    public boolean succeeded() {
        return status >= 200 && status < 300;
    }
}
