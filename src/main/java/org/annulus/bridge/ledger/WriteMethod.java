package org.annulus.bridge.ledger;

/** How a write reaches the EHR: a plain create (POST) or an update by server id (PUT with If-Match). */
public enum WriteMethod {
    CREATE,
    UPDATE
}
