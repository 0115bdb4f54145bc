package org.bloodcells.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = SharedServers.get().postgres();
    }

    @Test
    void aTableCreatedOverJdbcIsQueryable() throws Exception {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE slide_counts (slide TEXT PRIMARY KEY, rbc INT NOT NULL)");
            sql.execute("INSERT INTO slide_counts VALUES ('S-1', 412)");
            try (ResultSet rows = sql.executeQuery("SELECT rbc FROM slide_counts WHERE slide = 'S-1'")) {
                assertTrue(rows.next());
                assertEquals(412, rows.getInt(1));
            }
        }
    }

    @Test
    void theServerIsARealPostgresql17() throws Exception {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                Statement sql = connection.createStatement();
                ResultSet rows = sql.executeQuery("SHOW server_version_num")) {
            assertTrue(rows.next());
            assertEquals(17, rows.getInt(1) / 10000);
        }
    }
}
