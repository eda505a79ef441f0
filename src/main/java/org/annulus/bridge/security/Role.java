package org.annulus.bridge.security;

import java.util.Arrays;
import java.util.Optional;

/** The bridge's roles, as the issuer grants them: OAuth 2.0 scopes by default. */
public enum Role {

    /** Submit documents; read the tracking of documents this client submitted. */
    INGEST("bridge.ingest"),
    /** Everything ingest can, plus tracking of all documents, patient choice, replay, health details, metrics. */
    OPERATE("bridge.operate"),
    /** Read-only: tracking of all documents (and the audit trail's endpoints). */
    AUDIT("bridge.audit");

    private final String scope;

    Role(String scope) {
        this.scope = scope;
    }

    /** The scope (or role name) in the token, and the authority it becomes. */
    public String scope() {
        return scope;
    }

    static Optional<Role> ofScope(String scope) {
        return Arrays.stream(values()).filter(r -> r.scope.equals(scope)).findFirst();
    }
}
