package org.annulus.bridge.smart;

/**
 * A failure to obtain or use a token. The message never holds a token, an assertion or key material;
 * {@code detail} is what the server or the network said, safe to log.
 */
public final class SmartException extends RuntimeException {

    private final SmartProblem problem;
    private final String detail;

    SmartException(SmartProblem problem, String detail) {
        this(problem, detail, null);
    }

    SmartException(SmartProblem problem, String detail, Throwable cause) {
        super(
                problem.summary() + (detail == null || detail.isBlank() ? "" : ": " + detail) + " — " + problem.hint(),
                cause);
        this.problem = problem;
        this.detail = detail;
    }

    SmartProblem problem() {
        return problem;
    }

    String detail() {
        return detail;
    }
}
