package org.annulus.bridge.ehr;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds the EHR's Encounter for each visit a document references by the hospital's visit number
 * (issue 9 point 12): where the EHR has exactly one with that identifier for this patient. Otherwise
 * the reference stays logical: it names the real visit, and the EHR may resolve it later; nothing is
 * invented.
 */
@Component
class VisitEncounters {

    private static final Logger log = LoggerFactory.getLogger(VisitEncounters.class);

    /** Encounter ids by {@link WritePlan#visitToken}, for the visits found. */
    Map<String, String> find(IGenericClient client, List<Identifier> visits, String patientId) {
        Map<String, String> found = new HashMap<>();
        for (Identifier visit : visits) {
            findOne(client, visit, patientId).ifPresent(id -> found.put(WritePlan.visitToken(visit), id));
        }
        return found;
    }

    private static Optional<String> findOne(IGenericClient client, Identifier visit, String patientId) {
        try {
            Bundle matches = client.search()
                    .forResource(Encounter.class)
                    .where(Encounter.IDENTIFIER.exactly().systemAndIdentifier(visit.getSystem(), visit.getValue()))
                    .and(Encounter.PATIENT.hasId(patientId))
                    .returnBundle(Bundle.class)
                    .execute();
            List<String> ids = matches.getEntry().stream()
                    .filter(e -> e.getResource() instanceof Encounter)
                    .map(e -> e.getResource().getIdElement().getIdPart())
                    .toList();
            return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
        } catch (BaseServerResponseException e) {
            // An EHR without Encounter search (or that refuses it) keeps the logical reference.
            log.info("Encounter lookup by visit identifier not answered (HTTP {})", e.getStatusCode());
            return Optional.empty();
        }
    }
}
