package org.bloodcells.results.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * When a failed delivery is tried again: {@code initial} after the first failure, doubling with each further one,
 * never more than {@code max} apart. Kept as a time in the outbox, so it survives restarts.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    public Duration after(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures start at 1");
        }
        // Doubling past 2^30 overflows long milliseconds for any useful initial; by then max has long been reached.
        int doublings = Math.min(failures - 1, 30);
        long millis = initial.toMillis();
        for (int i = 0; i < doublings && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }

    public Instant next(Instant failedAt, int failures) {
        return failedAt.plus(after(failures));
    }
}
