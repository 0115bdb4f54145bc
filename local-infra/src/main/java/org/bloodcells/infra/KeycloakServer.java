package org.bloodcells.infra;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Keycloak, the identity provider, run from its distribution ({@code org.keycloak:keycloak-quarkus-dist},
 * unpacked by the build that needs it) in a child JVM on a loopback port, in development mode ({@code start-dev}: its
 * own file database, plain HTTP), importing one realm at start.
 *
 * <p>It is started as {@code bin/kc.sh} starts it (same main class and options), but through {@link ChildJvm} so that
 * it dies with its parent. Like {@code kc.sh}, it starts a second time when the first start only rebuilt the
 * distribution for its options (exit code 10): that happens on the first start after unpacking, which takes about
 * half a minute longer on two cores; the rebuilt distribution is kept for the next starts.
 */
public final class KeycloakServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeycloakServer.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration REBUILD_TIMEOUT = Duration.ofMinutes(3);
    /** kc.sh's exit code for "rebuilt, start me again with kc.config.built". */
    private static final int REBUILT = 10;
    private static final String MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";

    private final ChildJvm jvm;
    private final URI base;
    private final String realm;

    private KeycloakServer(ChildJvm jvm, URI base, String realm) {
        this.jvm = jvm;
        this.base = base;
        this.realm = realm;
    }

    /**
     * Starts Keycloak with a fresh database holding the realm {@code realmJson} defines, and returns once its
     * discovery document is served.
     *
     * @param home      the unpacked distribution (its {@code data} folder is replaced)
     * @param workDir   where the child's log and temporary files go
     * @param realm     the realm's name, as {@code realmJson} names it
     * @param realmJson the realm export to import
     * @param port      the HTTP port; the issuer in its tokens is {@code http://127.0.0.1:<port>/realms/<realm>}
     */
    public static KeycloakServer start(Path home, Path workDir, String realm, String realmJson, int port)
            throws IOException {
        long began = System.nanoTime();
        if (!Files.isRegularFile(home.resolve("lib/quarkus-run.jar"))) {
            throw new IllegalStateException(home + " is not an unpacked Keycloak distribution (no lib/quarkus-run.jar)");
        }
        Path data = home.resolve("data");
        WorkDirectory.delete(data);
        Files.createDirectories(data.resolve("import"));
        Files.writeString(data.resolve("import").resolve(realm + "-realm.json"), realmJson);
        URI base = URI.create("http://127.0.0.1:" + port);
        // Its tokens' issuer is the address asked for (dev mode): fixed here, so that browsers and services agree.
        List<String> args = List.of("start-dev", "--import-realm", "--http-host=127.0.0.1", "--http-port=" + port,
                "--hostname=" + base);
        ChildJvm jvm = ChildJvm.start("keycloak", workDir, List.of(home.resolve("lib/quarkus-run.jar")),
                jvmOptions(home, false), List.of(), MAIN, args);
        KeycloakServer server = new KeycloakServer(jvm, base, realm);
        try {
            jvm.awaitReadyOrExit(START_TIMEOUT, server::servesDiscovery);
            if (!jvm.isAlive()) {
                if (jvm.exitCode() != REBUILT) {
                    throw jvm.failure("exited with code " + jvm.exitCode() + " before it was ready");
                }
                LOG.info("Keycloak rebuilt its distribution for these options; starting it");
                jvm = ChildJvm.start("keycloak", workDir, List.of(home.resolve("lib/quarkus-run.jar")),
                        jvmOptions(home, true), List.of(), MAIN, args);
                server = new KeycloakServer(jvm, base, realm);
                jvm.awaitReady(REBUILD_TIMEOUT, server::servesDiscovery);
            }
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
        LOG.info("Keycloak ready at {} in {} ms", base, (System.nanoTime() - began) / 1_000_000);
        return server;
    }

    /** kc.sh's options, with its default heap. */
    private static List<String> jvmOptions(Path home, boolean built) {
        List<String> options = new ArrayList<>(List.of("-Xms64m", "-Xmx512m", "-XX:MetaspaceSize=96M",
                "-XX:MaxMetaspaceSize=256m", "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8",
                "-Djava.security.egd=file:/dev/urandom", "-Dkc.home.dir=" + home,
                "-Djboss.server.config.dir=" + home.resolve("conf"),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-Dpicocli.disable.closures=true",
                "-Dquarkus-log-max-startup-records=10000",
                "-Djava.util.concurrent.ForkJoinPool.common.threadFactory="
                        + "io.quarkus.bootstrap.forkjoin.QuarkusForkJoinWorkerThreadFactory",
                "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.base/java.security=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Duser.language=en", "-Duser.country=US"));
        if (built) {
            options.add(0, "-Dkc.config.built=true");
        }
        return options;
    }

    /** The realm's URL: the issuer of its tokens and the base of its discovery document. */
    public URI realmUri() {
        return realmUri(base.getPort(), realm);
    }

    /** The URL of the realm a server started on {@code port} serves, known before it is ready. */
    public static URI realmUri(int port, String realm) {
        return URI.create("http://127.0.0.1:" + port + "/realms/" + realm);
    }

    /** The realm's token endpoint (client credentials, code exchange). */
    public URI tokenEndpoint() {
        return tokenEndpoint(realmUri());
    }

    /** Keycloak's token endpoint of a realm. */
    public static URI tokenEndpoint(URI realmUri) {
        return URI.create(realmUri + "/protocol/openid-connect/token");
    }

    /**
     * What a Quarkus service needs to verify the realm's tokens through discovery, with the realm's roles. A service
     * started before the realm is served fetches the discovery document at its first request.
     */
    public static Map<String, String> quarkusProperties(URI realmUri) {
        return Map.of("quarkus.oidc.auth-server-url", realmUri.toString(),
                "quarkus.oidc.roles.role-claim-path", "realm_access/roles");
    }

    public Path log() {
        return jvm.log();
    }

    private boolean servesDiscovery() {
        try {
            HttpURLConnection connection = (HttpURLConnection) realmUri()
                    .resolve(realmUri().getPath() + "/.well-known/openid-configuration").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        jvm.close();
    }
}
