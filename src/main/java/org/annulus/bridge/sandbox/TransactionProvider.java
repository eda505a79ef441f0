package org.annulus.bridge.sandbox;

import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import org.hl7.fhir.r4.model.Bundle;

/** The system-level {@code POST [base]} of transaction Bundles. */
final class TransactionProvider {

    private final SandboxTransaction transaction;

    TransactionProvider(SandboxTransaction transaction) {
        this.transaction = transaction;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle request) {
        return transaction.apply(request);
    }
}
