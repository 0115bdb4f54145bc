package org.bloodcells.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bloodcells.events.Topics;
import org.bloodcells.infra.LocalInfrastructure;

/**
 * The whole platform on this machine: real Kafka, PostgreSQL and S3 (local-infra) plus the three
 * packaged services, each in its own JVM, wired to them. Used by the demo and the end-to-end tests.
 */
public final class LocalPlatform implements AutoCloseable {

    /** Partitions per topic: enough for a few detect-worker replicas to share the load. */
    public static final int PARTITIONS = 3;

    private final LocalInfrastructure infrastructure;
    private final List<ServiceProcess> services;
    private final ServiceProcess ingest;
    private final ServiceProcess worker;
    private final ServiceProcess results;

    private LocalPlatform(LocalInfrastructure infrastructure, ServiceProcess ingest, ServiceProcess worker,
            ServiceProcess results) {
        this.infrastructure = infrastructure;
        this.ingest = ingest;
        this.worker = worker;
        this.results = results;
        this.services = List.of(ingest, worker, results);
    }

    /** Ports for ingest-service, detect-worker and results-service; 0 picks a free one. */
    public record Ports(int ingest, int worker, int results) {
        public static Ports defaults() {
            return new Ports(8081, 8082, 8083);
        }

        public static Ports free() {
            return new Ports(0, 0, 0);
        }
    }

    public static LocalPlatform start(RepositoryLayout layout, Ports ports, Progress progress)
            throws IOException {
        progress.step("starting Kafka (KRaft), PostgreSQL and the S3 server");
        LocalInfrastructure infrastructure = LocalInfrastructure.start(layout.runDirectory());
        List<ServiceProcess> started = new ArrayList<>();
        try {
            infrastructure.kafka().createTopics(PARTITIONS, Topics.IMAGES_UPLOADED, Topics.CELL_DETECTIONS,
                    Topics.DEAD_LETTERS);
            Map<String, String> common = infrastructure.quarkusProperties();
            var runDir = layout.runDirectory();

            progress.step("starting ingest-service, detect-worker and results-service");
            ServiceProcess ingest = ServiceProcess.start("ingest-service", layout.serviceJar("ingest-service"),
                    portOrFree(ports.ingest()), common, runDir);
            started.add(ingest);
            Map<String, String> workerConfig = new LinkedHashMap<>(common);
            workerConfig.put("bloodcells.detector.model-path", layout.releasedModel().toString());
            workerConfig.put("bloodcells.worker.id", "local-worker-1");
            ServiceProcess worker = ServiceProcess.start("detect-worker", layout.serviceJar("detect-worker"),
                    portOrFree(ports.worker()), workerConfig, runDir);
            started.add(worker);
            ServiceProcess results = ServiceProcess.start("results-service", layout.serviceJar("results-service"),
                    portOrFree(ports.results()), common, runDir);
            started.add(results);
            for (ServiceProcess service : started) {
                service.awaitReady(Duration.ofSeconds(120));
                progress.step(service.name() + " ready at " + service.baseUri() + " (log: " + service.log() + ")");
            }
            return new LocalPlatform(infrastructure, ingest, worker, results);
        } catch (IOException | RuntimeException e) {
            for (ServiceProcess service : started) {
                service.close();
            }
            infrastructure.close();
            throw e;
        }
    }

    private static int portOrFree(int port) throws IOException {
        if (port != 0) {
            return port;
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public LocalInfrastructure infrastructure() {
        return infrastructure;
    }

    public URI ingestUri() {
        return ingest.baseUri();
    }

    public URI workerUri() {
        return worker.baseUri();
    }

    public URI resultsUri() {
        return results.baseUri();
    }

    public PlatformClient client() {
        return new PlatformClient(ingest.baseUri(), results.baseUri());
    }

    /** Stops the services first (so they commit their offsets against a live broker), then the servers. */
    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        infrastructure.close();
    }

    /** Progress lines for a person watching a long start-up. */
    @FunctionalInterface
    public interface Progress {
        void step(String message);

        static Progress toStderr() {
            long began = System.nanoTime();
            return message -> System.err.printf("[%5.1fs] %s%n", (System.nanoTime() - began) / 1e9, message);
        }
    }
}
