package org.bloodcells.results.service;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Whether a failure to store an event may pass by itself: the database restarting or unreachable for a while, a
 * connection it closed, no connection free in the pool, a deadlock or serialization conflict with another writer.
 * Those are retried; anything else (a bug, a constraint the event breaks) is not. Plain class: tested without a
 * container.
 */
public final class TransientFailures {

    /**
     * PostgreSQL's SQLSTATEs that say "try again": its connection class (08…), shutdown and start-up (57P01 admin
     * shutdown, 57P02 crash shutdown, 57P03 cannot connect now), too many connections (53300), out of memory (53200),
     * serialization failure (40001) and deadlock (40P01).
     */
    static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300", "53200", "40001", "40P01");

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || STATES.contains(state))) {
                    return true;
                }
                // Agroal's pool: no connection could be had in time (the database refuses or is slow to answer).
                if (sql.getMessage() != null && sql.getMessage().startsWith("Acquisition timeout")) {
                    return true;
                }
            }
            String name = t.getClass().getName();
            if (name.equals("org.hibernate.exception.JDBCConnectionException")
                    || name.equals("org.hibernate.exception.LockAcquisitionException")
                    || name.equals("org.hibernate.PessimisticLockException")
                    || name.equals("jakarta.persistence.LockTimeoutException")
                    || name.equals("jakarta.persistence.PessimisticLockException")) {
                return true;
            }
        }
        return false;
    }
}
