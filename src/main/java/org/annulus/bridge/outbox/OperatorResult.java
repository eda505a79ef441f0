package org.annulus.bridge.outbox;

/** What an operator action on a document did. */
public record OperatorResult(Status status, String message) {

    public enum Status {
        DONE,
        NOT_FOUND,
        WRONG_STATE
    }

    static OperatorResult done() {
        return new OperatorResult(Status.DONE, "done");
    }

    static OperatorResult notFound() {
        return new OperatorResult(Status.NOT_FOUND, "no document with that tracking id");
    }

    static OperatorResult wrongState(DocumentState state) {
        return new OperatorResult(Status.WRONG_STATE, "not possible in state " + state);
    }
}
