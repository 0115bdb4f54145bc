package org.bloodcells.results.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The audit trail is append-only for this service: on the real PostgreSQL, through the service's own connections
 * (its database user, provisioned as in production), entries can be added and read, and every way of changing or
 * removing them is refused by the database itself.
 */
@QuarkusTest
class AuditTrailAppendOnlyTest {

    /** PostgreSQL's insufficient_privilege, also its answer to "must be owner of table". */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    @Inject
    DataSource dataSource;

    @Test
    void theServiceAddsAndReadsEntriesButCannotChangeOrRemoveThem() throws SQLException {
        String key = "append-only-test:" + UUID.randomUUID();
        try (Connection db = dataSource.getConnection(); Statement sql = db.createStatement()) {
            try (ResultSet role = sql.executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
                assertTrue(role.next());
                assertFalse(role.getBoolean(1), "a superuser may do anything: the service must not be one");
            }
            try (PreparedStatement add = db.prepareStatement("""
                    insert into audit.audit_entry (source_key, at, actor, action, subject, detail)
                    values (?, now(), 'tester', 'LISTING', 'images', 'status=DONE')""")) {
                add.setString(1, key);
                assertEquals(1, add.executeUpdate());
            }
            try (ResultSet found = sql.executeQuery(
                    "select count(*) from audit.audit_entry where source_key = '" + key + "'")) {
                assertTrue(found.next());
                assertEquals(1, found.getInt(1));
            }
            for (String change : List.of(
                    "update audit.audit_entry set detail = 'changed' where source_key = '" + key + "'",
                    "delete from audit.audit_entry where source_key = '" + key + "'",
                    "truncate audit.audit_entry",
                    "alter table audit.audit_entry drop constraint audit_entry_action_check",
                    "alter table audit.audit_entry owner to current_user",
                    "drop table audit.audit_entry")) {
                SQLException refused = assertThrows(SQLException.class, () -> sql.execute(change), change);
                assertEquals(INSUFFICIENT_PRIVILEGE, refused.getSQLState(), change + ": " + refused.getMessage());
            }
            try (ResultSet still = sql.executeQuery(
                    "select detail from audit.audit_entry where source_key = '" + key + "'")) {
                assertTrue(still.next());
                assertEquals("status=DONE", still.getString(1));
            }
        }
    }
}
