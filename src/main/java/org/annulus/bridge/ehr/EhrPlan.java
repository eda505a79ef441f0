package org.annulus.bridge.ehr;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * What the bridge will write to this EHR, per resource type, for start-up and health: the
 * CapabilityStatement intersected with the EHR profile ({@link EhrRules#describe()}). No patient data.
 */
@Service
public class EhrPlan {

    private static final Logger log = LoggerFactory.getLogger(EhrPlan.class);

    private final EhrEndpoint endpoint;
    private final EhrCapabilities capabilities;

    EhrPlan(EhrEndpoint endpoint, EhrCapabilities capabilities) {
        this.endpoint = endpoint;
        this.capabilities = capabilities;
    }

    /**
     * @param profile    the EHR profile's name ({@code bridge.ehr.profile})
     * @param title      what it describes
     * @param plan       the plan, or empty before the CapabilityStatement was read
     * @param unverified the profile's claims no source backs: to check against the hospital's EHR
     */
    public record Summary(String profile, String title, Optional<String> plan, List<String> unverified) {}

    /**
     * Reads the CapabilityStatement now (once; sends reuse it) and logs the plan at INFO, or, when the
     * EHR cannot be asked yet, a warning that says so; the first send reads and logs it again.
     */
    public void logAtStartUp() {
        if (endpoint.knownBaseUrl().isEmpty()) {
            log.warn("EHR plan (profile {}): not known yet, the EHR endpoint is not ready", profileName());
            return;
        }
        try {
            capabilities.of(endpoint.client()); // logs the plan when it is new
        } catch (BaseServerResponseException e) {
            log.warn(
                    "EHR plan (profile {}): not known yet, GET /metadata answered HTTP {}",
                    profileName(),
                    e.getStatusCode());
        } catch (RuntimeException e) {
            log.warn(
                    "EHR plan (profile {}): not known yet, the CapabilityStatement could not be read ({})",
                    profileName(),
                    e.getClass().getSimpleName());
        }
    }

    /** The plan from the statement last read, without calling the EHR: health must not. */
    public Summary current() {
        EhrProfile profile = capabilities.profile();
        return new Summary(
                profile.name(), profile.title(), capabilities.last().map(EhrRules::describe), profile.unverified());
    }

    private String profileName() {
        return capabilities.profile().name();
    }
}
