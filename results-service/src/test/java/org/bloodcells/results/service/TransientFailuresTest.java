package org.bloodcells.results.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

/** Which failures to store an event are retried: the database away or busy for a moment, not a broken event. */
class TransientFailuresTest {

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("transaction rolled back", new IllegalStateException("flush failed", cause));
    }

    @Test
    void aConnectionLostAShutdownADeadlockOrAnEmptyPoolIsRetried() {
        assertTrue(TransientFailures.isTransient(wrapped(new SQLException("An I/O error occurred", "08006"))));
        assertTrue(TransientFailures.isTransient(wrapped(new SQLException("terminating connection due to "
                + "administrator command", "57P01"))));
        assertTrue(TransientFailures.isTransient(wrapped(new SQLException("the database system is starting up",
                "57P03"))));
        assertTrue(TransientFailures.isTransient(wrapped(new SQLException("deadlock detected", "40P01"))));
        assertTrue(TransientFailures.isTransient(wrapped(new SQLException(
                "Acquisition timeout while waiting for new connection"))));
        assertTrue(TransientFailures.isTransient(new SQLTransientConnectionException("refused")));
    }

    @Test
    void aBrokenConstraintOrABugIsNot() {
        assertFalse(TransientFailures.isTransient(wrapped(new SQLException("duplicate key value", "23505"))));
        assertFalse(TransientFailures.isTransient(wrapped(new SQLException("value too long", "22001"))));
        assertFalse(TransientFailures.isTransient(new NullPointerException()));
    }
}
