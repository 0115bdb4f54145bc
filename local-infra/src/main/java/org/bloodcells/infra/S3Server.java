package org.bloodcells.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server (s3proxy over the file system) on a free loopback port, with a freshly
 * generated access key and secret that it checks (AWS signature v2 or v4).
 *
 * <p>It runs its jar-with-dependencies in a child JVM: that jar bundles its own Jetty, Jackson
 * and Guava, which must not meet the caller's. The jar comes from the local Maven repository,
 * where this module's build downloads it; its log is {@code s3proxy.log} in the work directory.
 */
public final class S3Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");
    private static final SecureRandom RANDOM = new SecureRandom();

    private volatile ChildJvm jvm;
    private final String endpoint;
    private final String accessKey;
    private final String secretKey;

    private S3Server(ChildJvm jvm, String endpoint, String accessKey, String secretKey) {
        this.jvm = jvm;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /**
     * Starts a server storing its buckets in {@code workDir} (existing, empty, and deleted by the
     * caller after {@link #close()}); returns once it answers HTTP requests.
     */
    public static S3Server start(Path workDir) throws IOException {
        long began = System.nanoTime();
        int port = WorkDirectory.freePort();
        String endpoint = "http://127.0.0.1:" + port;
        // AWS-shaped keys: 20 upper-case characters and a 40-character secret.
        String accessKey = "AK" + HexFormat.of().withUpperCase().formatHex(randomBytes(9));
        String secretKey = HexFormat.of().formatHex(randomBytes(20));
        Path config = workDir.resolve("s3proxy.properties");
        Path buckets = Files.createDirectories(workDir.resolve("buckets"));
        WorkDirectory.writeProperties(config, s3proxyProperties(endpoint, accessKey, secretKey, buckets));
        Path jar = LocalRepository.resolve(List.of(LocalRepository.buildProperty("s3proxy.jar"))).get(0);
        ChildJvm jvm = ChildJvm.start("s3proxy", workDir, List.of(jar), JVM_OPTIONS, List.of(),
                "org.gaul.s3proxy.Main", List.of("--properties", config.toString()));
        try {
            jvm.awaitReady(START_TIMEOUT, () -> answersHttp(port));
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
        LOG.info("S3 server ready at {} in {} ms", endpoint, (System.nanoTime() - began) / 1_000_000);
        return new S3Server(jvm, endpoint, accessKey, secretKey);
    }

    /** Kills the server (connections refused until {@link #startAgain()}); its buckets stay on disk. */
    public synchronized void kill() {
        jvm.kill();
    }

    /** Starts the killed server again on the same port with the same buckets and keys. */
    public synchronized void startAgain() throws IOException {
        jvm = jvm.startAgain();
        int port = java.net.URI.create(endpoint).getPort();
        jvm.awaitReady(START_TIMEOUT, () -> answersHttp(port));
        LOG.info("S3 server at {} started again", endpoint);
    }

    public String endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() {
        jvm.close();
    }

    /**
     * Any HTTP status will do (an unsigned request gets 403): Jetty is up and s3proxy answers.
     * A raw socket rather than java.net.http: that client logs through System.Logger, which in a
     * Quarkus test prints a JBoss LogManager error.
     */
    private static boolean answersHttp(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("HEAD / HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] statusLine = socket.getInputStream().readNBytes(9);
            return new String(statusLine, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static Properties s3proxyProperties(String endpoint, String accessKey, String secretKey, Path buckets) {
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", endpoint);
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", accessKey);
        p.setProperty("s3proxy.credential", secretKey);
        p.setProperty("jclouds.provider", "filesystem-nio2");
        p.setProperty("jclouds.filesystem.basedir", buckets.toString());
        // The file-system backend ignores these, but jclouds requires them.
        p.setProperty("jclouds.identity", "local");
        p.setProperty("jclouds.credential", "local");
        return p;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
