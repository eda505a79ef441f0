package org.annulus.bridge.sandbox;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * Makes the sandbox FHIR server a protected resource: every write needs a bearer token from the
 * sandbox's token endpoint, else 401 as RFC 6750 §3 words it; so does every read unless
 * {@code bridge.sandbox.public-reads} lets anonymous reads through. A token presented is always checked. The
 * CapabilityStatement says where the token endpoint is (the {@code oauth-uris} extension).
 */
@Interceptor
final class SandboxTokenGate {

    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private static final java.util.Set<RestOperationTypeEnum> READS = java.util.EnumSet.of(
            RestOperationTypeEnum.READ,
            RestOperationTypeEnum.VREAD,
            RestOperationTypeEnum.SEARCH_TYPE,
            RestOperationTypeEnum.SEARCH_SYSTEM,
            RestOperationTypeEnum.HISTORY_INSTANCE,
            RestOperationTypeEnum.HISTORY_TYPE);

    private final SandboxAuthorizationServer server;
    private final boolean publicReads;

    SandboxTokenGate(SandboxAuthorizationServer server, boolean publicReads) {
        this.server = server;
        this.publicReads = publicReads;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void requireToken(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation == RestOperationTypeEnum.METADATA) {
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null && publicReads && READS.contains(operation)) {
            return; // browsing the fictional data; the bridge itself always sends its token
        }
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        if (!bearer || !server.accepts(authorization.substring(7).trim())) {
            AuthenticationException refused = new AuthenticationException(
                    bearer ? "The access token is invalid or has expired" : "A bearer token is required");
            refused.addResponseHeader(
                    "WWW-Authenticate", bearer ? "Bearer error=\"invalid_token\"" : "Bearer realm=\"sandbox\"");
            throw refused;
        }
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void advertiseSmart(IBaseConformance capabilities, RequestDetails request) {
        if (!(capabilities instanceof CapabilityStatement statement) || !statement.hasRest()) {
            return;
        }
        String fhirBase = request.getFhirServerBase();
        String origin = fhirBase.substring(0, fhirBase.length() - SandboxEhr.BASE_PATH.length());
        CapabilityStatement.CapabilityStatementRestSecurityComponent security =
                statement.getRestFirstRep().getSecurity();
        security.addService(new CodeableConcept()
                .addCoding(new org.hl7.fhir.r4.model.Coding(
                        "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "SMART-on-FHIR",
                        "SMART-on-FHIR")));
        Extension oauth = security.addExtension().setUrl(OAUTH_URIS);
        oauth.addExtension("token", new UriType(origin + SandboxAuthServlet.TOKEN_PATH));
    }
}
