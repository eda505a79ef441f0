package org.annulus.bridge.ehr;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.client.api.ClientResponseContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code Retry-After} of the EHR's last answer on this thread. HAPI's client exceptions carry no
 * response headers (8.4: {@code BaseServerResponseException.getResponseHeaders()} stays null), so
 * this client interceptor keeps the header for the writer to read when the call has failed.
 */
@Interceptor
final class RetryAfter {

    private static final Pattern SECONDS = Pattern.compile("\\d{1,10}");
    /** RFC 9110 §5.6.7: recipients accept IMF-fixdate and the obsolete RFC 850 and asctime forms. */
    private static final List<DateTimeFormatter> HTTP_DATES = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            new DateTimeFormatterBuilder()
                    .appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
                    .appendPattern(" HH:mm:ss 'GMT'")
                    .toFormatter(Locale.US),
            new DateTimeFormatterBuilder()
                    .appendPattern("EEE MMM ")
                    .padNext(2)
                    .appendValue(ChronoField.DAY_OF_MONTH)
                    .appendPattern(" HH:mm:ss yyyy")
                    .toFormatter(Locale.US));

    private final ThreadLocal<String> last = new ThreadLocal<>();

    /** Runs after the SMART interceptor, which may have replaced a 401 by the answer to its retry. */
    @Hook(value = Pointcut.CLIENT_RESPONSE, order = 1000)
    public void remember(ClientResponseContext context) {
        List<String> values = context.getHttpResponse().getHeaders("Retry-After");
        last.set(values == null || values.isEmpty() ? null : values.get(0));
    }

    /** The header of the last response this thread received, if it had one. */
    Optional<String> lastHeader() {
        return Optional.ofNullable(last.get());
    }

    /**
     * RFC 9110 §10.2.3: {@code Retry-After = HTTP-date / delay-seconds}. A date in the past means now;
     * anything else unreadable means no hint.
     */
    static Optional<Duration> parse(String value, Instant now) {
        String v = value.trim();
        if (SECONDS.matcher(v).matches()) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                Instant at = format == DateTimeFormatter.RFC_1123_DATE_TIME
                        ? ZonedDateTime.parse(v, format).toInstant()
                        : LocalDateTime.parse(v, format).toInstant(ZoneOffset.UTC);
                Duration until = Duration.between(now, at);
                return Optional.of(until.isNegative() ? Duration.ZERO : until);
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        return Optional.empty();
    }
}
