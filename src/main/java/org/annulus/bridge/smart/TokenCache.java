package org.annulus.bridge.smart;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Access tokens shared by every worker, one per scope set. A token is renewed shortly before it
 * expires; while one request for a scope set is under way, everyone else waits for its answer
 * (single flight), so the token endpoint never sees two concurrent requests for the same scopes.
 */
final class TokenCache {

    private final Function<List<String>, AccessToken> tokenEndpoint;
    private final Clock clock;
    private final Duration refreshBefore;
    private final Map<List<String>, AccessToken> tokens = new ConcurrentHashMap<>();
    private final Map<List<String>, CompletableFuture<AccessToken>> inFlight = new ConcurrentHashMap<>();

    TokenCache(Function<List<String>, AccessToken> tokenEndpoint, Clock clock, Duration refreshBefore) {
        this.tokenEndpoint = tokenEndpoint;
        this.clock = clock;
        this.refreshBefore = refreshBefore;
    }

    /** A token for the scopes that is not about to expire: the cached one, or a new one. */
    AccessToken token(List<String> scopes) {
        AccessToken cached = tokens.get(scopes);
        if (cached != null && fresh(cached)) {
            return cached;
        }
        CompletableFuture<AccessToken> mine = new CompletableFuture<>();
        CompletableFuture<AccessToken> flight = inFlight.putIfAbsent(scopes, mine);
        if (flight == null) {
            flight = mine;
            try {
                // Another thread may have stored a token between our look and our claim.
                AccessToken current = tokens.get(scopes);
                if (current == null || !fresh(current)) {
                    current = tokenEndpoint.apply(scopes);
                    tokens.put(scopes, current);
                }
                mine.complete(current);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            } finally {
                inFlight.remove(scopes, mine);
            }
        }
        try {
            return flight.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Forgets the token the FHIR server refused, unless another worker has replaced it already:
     * many workers hitting the same 401 must cause one new token request, not one each.
     */
    void invalidate(List<String> scopes, String refusedToken) {
        tokens.computeIfPresent(scopes, (k, t) -> t.value().equals(refusedToken) ? null : t);
    }

    /** Renewal is due {@code refreshBefore} ahead of expiry, but no sooner than a fifth of the lifetime ahead. */
    private boolean fresh(AccessToken token) {
        Duration lifetime = Duration.between(token.issuedAt(), token.expiresAt());
        Duration margin = refreshBefore.compareTo(lifetime.dividedBy(5)) < 0 ? refreshBefore : lifetime.dividedBy(5);
        Instant renewAt = token.expiresAt().minus(margin);
        return clock.instant().isBefore(renewAt);
    }
}
