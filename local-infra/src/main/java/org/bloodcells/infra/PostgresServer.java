package org.bloodcells.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from the binaries in zonky's Maven artifacts, on a free port.
 *
 * <p>Authentication is {@code trust} (zonky runs initdb with it), so any password is accepted;
 * {@link #password()} exists so that callers configure a password as they will in production.
 * The binaries are unpacked once into {@code java.io.tmpdir/embedded-pg} (zonky's default;
 * {@code -Dot.epg.working-dir} moves it) and reused by later runs, since unpacking costs seconds;
 * the cluster's data directory lives in the work directory.
 *
 * <p>The services sign in as {@link #username()}, not as the superuser: like each service's own user in production
 * (README "Credentials, TLS and least privilege") it owns the schema {@code public} and may create the trainer's
 * schema, and the audit trail is provisioned for it as compose provisions it for results-service
 * ({@code deploy/postgres-init/audit-trail.psql}), so that what the trail refuses the service is refused here too.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final String SUPERUSER = "postgres";
    /** The services' user: neither a superuser nor the owner of the audit trail. */
    private static final String USER = "bloodcells_services";
    private static final String DATABASE = "postgres";
    private static final String AUDIT_TRAIL_PROVISIONING = "audit-trail.psql";

    private volatile EmbeddedPostgres postgres;
    private final Process watchdog;
    private final Path dataDir;

    private PostgresServer(EmbeddedPostgres postgres, Process watchdog, Path dataDir) {
        this.postgres = postgres;
        this.watchdog = watchdog;
        this.dataDir = dataDir;
    }

    /**
     * Restarts the server as an operator would: a fast shutdown ({@code pg_ctl stop -m fast}: open connections are
     * ended, work in flight rolled back), then the same cluster started again on the same port with the same data;
     * returns once it accepts connections again.
     */
    public synchronized void restart() throws IOException {
        int port = postgres.getPort();
        postgres.close();
        postgres = builder(dataDir.getParent()).setPort(port).start();
        LOG.info("PostgreSQL at {} restarted", jdbcUrl());
    }

    /**
     * Starts a fresh cluster whose files live in {@code workDir} (existing, empty, and deleted by
     * the caller after {@link #close()}); returns once it accepts connections.
     */
    public static PostgresServer start(Path workDir) throws IOException {
        long began = System.nanoTime();
        Path dataDir = workDir.resolve("data");
        EmbeddedPostgres postgres = builder(workDir).start();
        PostgresServer server;
        try {
            provision(postgres);
            server = new PostgresServer(postgres, startWatchdog(dataDir), dataDir);
        } catch (IOException | RuntimeException e) {
            postgres.close();
            throw e;
        }
        LOG.info("PostgreSQL ready at {} in {} ms", server.jdbcUrl(), (System.nanoTime() - began) / 1_000_000);
        return server;
    }

    /**
     * As the superuser, what a database administrator does before the services first start: their user, owning
     * {@code public}, and the audit trail's role, schema and hand-over function (the compose file's provisioning
     * script, with psql's {@code :"service_user"} filled in).
     */
    private static void provision(EmbeddedPostgres postgres) throws IOException {
        String auditTrail;
        try (InputStream in = PostgresServer.class.getResourceAsStream(AUDIT_TRAIL_PROVISIONING)) {
            if (in == null) {
                throw new IllegalStateException(AUDIT_TRAIL_PROVISIONING + " is missing from the class path");
            }
            auditTrail = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace(":\"service_user\"", "\"" + USER + "\"");
        }
        try (Connection connection = postgres.getDatabase(SUPERUSER, DATABASE).getConnection();
                Statement sql = connection.createStatement()) {
            sql.execute("CREATE ROLE " + USER + " LOGIN");
            sql.execute("GRANT CREATE ON DATABASE " + DATABASE + " TO " + USER);
            sql.execute("ALTER SCHEMA public OWNER TO " + USER);
            sql.execute(auditTrail);
        } catch (SQLException e) {
            throw new IOException("Could not provision the services' database user", e);
        }
    }

    /** A cluster in {@code workDir/data}: made there by initdb the first time, reused as it is after that. */
    private static EmbeddedPostgres.Builder builder(Path workDir) {
        var log = ProcessBuilder.Redirect.appendTo(workDir.resolve("postgres.log").toFile());
        return EmbeddedPostgres.builder()
                .setDataDirectory(workDir.resolve("data"))
                // The work directory's owner deletes it; zonky's own clean-up (commons-io, which
                // sets DOS attributes on every file first) would add seconds to every stop. Kept, a
                // cluster is also started again as it was (restart).
                .setCleanDataDirectory(false)
                // LocalInfrastructure stops it; a second hook would race with the work directory's deletion.
                .setRegisterShutdownHook(false)
                // One syncfs instead of an fsync per file: initdb ~2 s faster. PostgreSQL 17+ only.
                .setLocaleConfig("sync-method", "syncfs")
                .setOutputRedirector(log)
                .setErrorRedirector(log)
                // Throwaway data: durability only costs time.
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return USER;
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            // End-of-file lets the watchdog exit; the postmaster.pid it would read is gone by now.
            watchdog.getOutputStream().close();
        }
    }

    /**
     * pg_ctl detaches the postmaster and PostgreSQL has no parent-death option, so a JVM killed
     * with SIGKILL would leave it running. This shell waits for end-of-file on the pipe that only
     * this JVM holds, then fast-stops the postmaster named in postmaster.pid (if still there).
     */
    private static Process startWatchdog(Path dataDir) throws IOException {
        String script = "cat >/dev/null; pid=$(head -n 1 \"$0/postmaster.pid\" 2>/dev/null) && kill -INT \"$pid\"";
        return new ProcessBuilder("sh", "-c", script, dataDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
