package org.annulus.bridge.smart;

/**
 * Where the bridge stands with the EHR's authorization server; never holds the token itself.
 *
 * @param discovery how the token endpoint was found, or why not
 * @param token     whether a token is held, until when, and with which scopes
 */
public record SmartStatus(Step discovery, Step token) {

    public boolean ok() {
        return discovery.ok() && token.ok();
    }

    /**
     * One step of the check.
     *
     * @param ok      whether it succeeded
     * @param detail  what was found (endpoint URL, expiry, scopes) or what failed
     * @param problem the kind of failure, or null
     * @param hint    what hospital IT should check, or null
     */
    public record Step(boolean ok, String detail, SmartProblem problem, String hint) {

        static Step ok(String detail) {
            return new Step(true, detail, null, null);
        }

        static Step failed(SmartException e) {
            return new Step(
                    false,
                    e.problem().summary() + (e.detail() == null ? "" : ": " + e.detail()),
                    e.problem(),
                    e.problem().hint());
        }
    }
}
