package org.bloodcells.results.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(15));

    @Test
    void waitsDoubleWithEachFailureUpToTheMost() {
        assertEquals(Duration.ofSeconds(10), backoff.after(1));
        assertEquals(Duration.ofSeconds(20), backoff.after(2));
        assertEquals(Duration.ofSeconds(640), backoff.after(7));
        assertEquals(Duration.ofMinutes(15), backoff.after(8));
        assertEquals(Duration.ofMinutes(15), backoff.after(Integer.MAX_VALUE));
        Instant failed = Instant.parse("2026-12-06T02:00:00Z");
        assertEquals(failed.plusSeconds(40), backoff.next(failed, 3));
    }

    @Test
    void aBackoffThatCannotWaitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> backoff.after(0));
    }
}
