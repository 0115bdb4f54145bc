package org.bloodcells.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    static Path workDir;
    static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        workDir = WorkDirectory.createUnder(WorkDirectory.defaultParent(), "postgres-test-");
        postgres = PostgresServer.start(workDir);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
        WorkDirectory.delete(workDir);
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
