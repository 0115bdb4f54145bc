package org.bloodcells.uploader;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next attempt: the server's {@code Retry-After} when it sends one (seconds or an HTTP
 * date, capped at {@link #MOST_RETRY_AFTER}), otherwise exponential back-off with jitter (a random wait between half
 * the cap and the cap, the cap from {@code first} doubling up to {@code most}), so that many uploaders refused at once
 * do not come back at once.
 */
public record Backoff(Duration first, Duration most) {

    /** The longest Retry-After honoured: a server asking for more is waited on this long, then tried again. */
    public static final Duration MOST_RETRY_AFTER = Duration.ofMinutes(5);

    /** @param attempt the attempt that failed, from 1 */
    public Duration delay(int attempt, Optional<String> retryAfter, Instant now) {
        Optional<Duration> asked = retryAfter.flatMap(value -> parseRetryAfter(value, now));
        if (asked.isPresent()) {
            Duration d = asked.get();
            return d.compareTo(MOST_RETRY_AFTER) > 0 ? MOST_RETRY_AFTER : d;
        }
        return jittered(attempt);
    }

    /** A random delay between half the attempt's cap and the cap (first × 2^(attempt−1), at most {@code most}). */
    Duration jittered(int attempt) {
        long cap = first.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        cap = Math.min(cap, most.toMillis());
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }

    /** {@code Retry-After: 3} or {@code Retry-After: Wed, 21 Oct 2026 07:28:00 GMT}; empty when unreadable. */
    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
