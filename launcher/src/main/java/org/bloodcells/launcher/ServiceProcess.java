package org.bloodcells.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bloodcells.infra.ChildJvm;

/**
 * One packaged Quarkus service in its own JVM (local-infra's {@link ChildJvm}: log file, exits
 * with this JVM), configured by system properties; ready when its readiness check answers UP.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Main class of Quarkus' fast-jar {@code quarkus-run.jar}, whose manifest names the rest. */
    private static final String QUARKUS_MAIN = "io.quarkus.bootstrap.runner.QuarkusEntryPoint";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private volatile ChildJvm jvm;
    private final URI baseUri;

    private ServiceProcess(String name, ChildJvm jvm, URI baseUri) {
        this.name = name;
        this.jvm = jvm;
        this.baseUri = baseUri;
    }

    public static ServiceProcess start(String name, Path jar, int port, Map<String, String> properties,
            Path runDir) throws IOException {
        return start(name, jar, port, properties, List.of(), runDir);
    }

    /** @param jvmOptions further options for the service's JVM (a benchmark's {@code -Xmx}) */
    public static ServiceProcess start(String name, Path jar, int port, Map<String, String> properties,
            List<String> jvmOptions, Path runDir) throws IOException {
        return start(name, jar, port, properties, jvmOptions, runDir, ChildJvm.Priority.NORMAL);
    }

    /** @param priority {@link ChildJvm.Priority#LOW} for a service nobody waits for while the others start */
    public static ServiceProcess start(String name, Path jar, int port, Map<String, String> properties,
            List<String> jvmOptions, Path runDir, ChildJvm.Priority priority) throws IOException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dquarkus.http.port=" + port);
        properties.forEach((key, value) -> options.add("-D" + key + "=" + value));
        Path workDir = Files.createDirectories(runDir.resolve(name));
        ChildJvm jvm = ChildJvm.start(name, workDir, List.of(jar), options, List.of(), QUARKUS_MAIN, List.of(),
                priority);
        return new ServiceProcess(name, jvm, URI.create("http://127.0.0.1:" + port));
    }

    public String name() {
        return name;
    }

    public URI baseUri() {
        return baseUri;
    }

    public Path log() {
        return jvm.log();
    }

    /** Waits for /q/health/ready to answer 200; fails with the end of the service's log if it dies or times out. */
    public void awaitReady(Duration timeout) {
        jvm.awaitReady(timeout, this::isReady);
    }

    /** Whether /q/health/ready answers 200 now. */
    public boolean isReady() {
        HttpRequest ready = HttpRequest.newBuilder(baseUri.resolve("/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            return HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** CPU time the service's JVM has used so far, all its threads (for benchmarks). */
    public Duration cpuTime() {
        return jvm.cpuTime();
    }

    /** Whether its JVM is running. */
    public boolean isAlive() {
        return jvm.isAlive();
    }

    /**
     * Kills it if it still runs and starts it again with the same settings on the same port, as Kubernetes restarts
     * a pod whose process died or whose liveness probe failed; returns without waiting for it to be ready.
     */
    public synchronized void restart() throws IOException {
        jvm.kill();
        jvm = jvm.startAgain();
    }

    /** SIGKILL: the service dies at once, as a crashed or OOM-killed pod does; nothing of it shuts down cleanly. */
    public void kill() {
        jvm.kill();
    }

    /** SIGTERM so Quarkus shuts down gracefully (consumers commit, sessions close); then SIGKILL. */
    @Override
    public void close() {
        jvm.close();
    }

    /**
     * SIGTERM, and SIGKILL only after {@code grace}: the time a Kubernetes pod gets to finish its work.
     *
     * @return whether the service exited by itself within it
     */
    public boolean stop(Duration grace) {
        return jvm.stop(grace);
    }
}
