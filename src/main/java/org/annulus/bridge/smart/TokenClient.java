package org.annulus.bridge.smart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One token request as SMART Backend Services prescribes ("Obtaining an access token"): a form POST
 * of {@code grant_type=client_credentials}, {@code scope}, {@code client_assertion_type} and
 * {@code client_assertion}; the answer becomes an {@link AccessToken} or a {@link SmartException}
 * that says what to check.
 */
final class TokenClient {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** SMART recommends five-minute tokens; assumed when a server omits {@code expires_in}. */
    static final Duration ASSUMED_LIFETIME = Duration.ofMinutes(5);
    /** Beyond this difference between the server's Date header and our clock, assertions fail. */
    static final Duration TOLERATED_SKEW = Duration.ofMinutes(1);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How servers phrase a time-based refusal (Keycloak: "Token is not active"; others: "expired", "iat"). */
    private static final Pattern TIME_WORDS = Pattern.compile(
            "(?i).*(expired|not active|not yet valid|\\biat\\b|\\bnbf\\b|\\bexp\\b|clock|future|issued in).*");

    private final HttpClient http;
    private final Duration readTimeout;
    private final Clock clock;

    TokenClient(HttpClient http, Duration readTimeout, Clock clock) {
        this.http = http;
        this.readTimeout = readTimeout;
        this.clock = clock;
    }

    AccessToken request(URI tokenEndpoint, List<String> scopes, String clientAssertion) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", String.join(" ", scopes));
        form.put("client_assertion_type", JWT_BEARER);
        form.put("client_assertion", clientAssertion);
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(readTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SmartException(
                    SmartProblem.TOKEN_ENDPOINT_UNREACHABLE,
                    tokenEndpoint + " (" + e.getClass().getSimpleName() + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmartException(SmartProblem.TOKEN_ENDPOINT_UNREACHABLE, "interrupted");
        }
        Optional<Duration> skew = skew(response);
        if (response.statusCode() != 200) {
            throw refusal(response, skew);
        }
        return accessToken(response, scopes);
    }

    private AccessToken accessToken(HttpResponse<String> response, List<String> requested) {
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SmartException(SmartProblem.TOKEN_REQUEST_FAILED, "the token response is not JSON");
        }
        String value = body.path("access_token").asText("");
        if (value.isEmpty()
                || !"bearer".equalsIgnoreCase(body.path("token_type").asText("bearer"))) {
            throw new SmartException(
                    SmartProblem.TOKEN_REQUEST_FAILED, "the token response holds no bearer access_token");
        }
        Instant now = clock.instant();
        Duration lifetime =
                body.hasNonNull("expires_in") && body.get("expires_in").asLong() > 0
                        ? Duration.ofSeconds(body.get("expires_in").asLong())
                        : ASSUMED_LIFETIME;
        // RFC 6749 §5.1: scope may be omitted when it equals the requested scope.
        List<String> granted =
                body.hasNonNull("scope") ? GrantedScopes.split(body.get("scope").asText()) : requested;
        return new AccessToken(value, now, now.plus(lifetime), granted);
    }

    /** RFC 6749 §5.2 error responses, and the failures that look like one of them but are really the clock. */
    private SmartException refusal(HttpResponse<String> response, Optional<Duration> skew) {
        String error = "";
        String description = "";
        try {
            JsonNode body = JSON.readTree(response.body());
            error = body.path("error").asText("");
            description = body.path("error_description").asText("");
        } catch (IOException | RuntimeException notJson) {
            // Some gateways answer with HTML; the status is all we have then.
        }
        String said = "HTTP " + response.statusCode() + (error.isEmpty() ? "" : ", " + error)
                + (description.isEmpty() ? "" : ": " + truncate(description));
        if (skew.isPresent() && !error.equals("invalid_scope")) {
            return new SmartException(
                    SmartProblem.CLOCK_SKEW,
                    "the server's clock differs from ours by " + skew.get().toSeconds() + " s (" + said + ")");
        }
        if (TIME_WORDS.matcher(description).matches()
                && (error.equals("invalid_client") || error.equals("invalid_grant"))) {
            return new SmartException(SmartProblem.CLOCK_SKEW, said);
        }
        SmartProblem problem =
                switch (error) {
                    case "invalid_client" -> SmartProblem.INVALID_CLIENT;
                    case "invalid_scope" -> SmartProblem.INVALID_SCOPE;
                    case "invalid_grant" -> SmartProblem.INVALID_GRANT;
                    case "unauthorized_client" -> SmartProblem.UNAUTHORIZED_CLIENT;
                    default ->
                        response.statusCode() >= 500 || response.statusCode() == 404
                                ? SmartProblem.TOKEN_ENDPOINT_UNREACHABLE
                                : SmartProblem.TOKEN_REQUEST_FAILED;
                };
        return new SmartException(problem, said);
    }

    /** The server's clock as its Date header tells it, when it is further from ours than we tolerate. */
    private Optional<Duration> skew(HttpResponse<String> response) {
        Optional<String> date = response.headers().firstValue("Date");
        if (date.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant theirs = ZonedDateTime.parse(date.get(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration difference = Duration.between(clock.instant(), theirs).abs();
            return difference.compareTo(TOLERATED_SKEW) > 0 ? Optional.of(difference) : Optional.empty();
        } catch (DateTimeParseException unreadable) {
            return Optional.empty();
        }
    }

    private static String truncate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    private static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
