package org.annulus.bridge.smart;

/**
 * What can go wrong between the bridge and the EHR's authorization server, each with what hospital
 * IT should check. The OAuth error codes are those of RFC 6749 §5.2.
 */
public enum SmartProblem {
    DISCOVERY_FAILED(
            "no token endpoint could be discovered",
            "check bridge.ehr.base-url; the EHR must serve {base}/.well-known/smart-configuration or name a token"
                    + " endpoint in its CapabilityStatement (oauth-uris extension); else set bridge.ehr.token-url"),
    UNSUPPORTED_AUTH_METHOD(
            "the authorization server does not support private_key_jwt",
            "the EHR must offer SMART Backend Services (token_endpoint_auth_methods_supported must list"
                    + " private_key_jwt); ask the EHR vendor to enable it for this client"),
    UNSUPPORTED_ALGORITHM(
            "the authorization server does not accept the key's signing algorithm",
            "compare token_endpoint_auth_signing_alg_values_supported with our key (RSA → RS384, EC P-384 → ES384);"
                    + " use a key of a supported type"),
    TOKEN_ENDPOINT_NOT_ALLOWED(
            "the discovered token endpoint is not one the bridge may send its client assertion to",
            "a discovered token endpoint must use https and be on the FHIR server's host or in"
                    + " bridge.ehr.transport.token-hosts; or set bridge.ehr.token-url explicitly"),
    TOKEN_ENDPOINT_UNREACHABLE(
            "the token endpoint could not be reached",
            "check the network path and firewall from the bridge to the token endpoint, its TLS certificate,"
                    + " and bridge.ehr.token-url if set"),
    INVALID_CLIENT(
            "the authorization server refused the client (invalid_client)",
            "check that bridge.ehr.client-id is the id the EHR registered, and that the EHR has our current public"
                    + " key: the JWKS at /.well-known/jwks.json, or the JWKS URL it was given"),
    UNAUTHORIZED_CLIENT(
            "the client may not use the client_credentials grant (unauthorized_client)",
            "the EHR registration must allow backend services (client credentials) for this client"),
    INVALID_GRANT(
            "the authorization server refused the grant (invalid_grant)",
            "check the client registration in the EHR and the token endpoint URL (the assertion's audience)"),
    INVALID_SCOPE(
            "the authorization server refused the requested scopes (invalid_scope)",
            "compare bridge.ehr.scopes with the scopes registered for this client in the EHR"),
    CLOCK_SKEW(
            "the clocks of the bridge and the authorization server disagree",
            "synchronise the bridge host's clock (NTP); the client assertion is valid for only a few minutes"),
    INSUFFICIENT_SCOPE(
            "the token grants fewer scopes than requested",
            "register the missing scopes for this client in the EHR, or remove them from bridge.ehr.scopes"),
    TOKEN_REQUEST_FAILED(
            "the token request failed",
            "the authorization server's answer is logged with its HTTP status; check the EHR's authorization logs"),
    NOT_AUTHORIZED_BY_EHR(
            "the FHIR server refused a fresh token (HTTP 401)",
            "check that the FHIR server trusts this authorization server and that the client's scopes cover the"
                    + " resources written");

    private final String summary;
    private final String hint;

    SmartProblem(String summary, String hint) {
        this.summary = summary;
        this.hint = hint;
    }

    /** What happened, in one line. */
    public String summary() {
        return summary;
    }

    /** What hospital IT should check. */
    public String hint() {
        return hint;
    }
}
