package org.bloodcells.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bloodcells.events.ImageId;
import org.bloodcells.http.Audiences;
import org.bloodcells.http.Roles;
import org.bloodcells.infra.ChildJvm;
import org.bloodcells.infra.LocalInfrastructure;

/**
 * The whole platform on this machine: real Kafka, PostgreSQL and S3 (local-infra) plus the four
 * packaged services, each in its own JVM, wired to them. Used by the demo and the end-to-end tests.
 */
public final class LocalPlatform implements AutoCloseable {

    private final LocalInfrastructure infrastructure;
    private final List<ServiceProcess> services;
    private final ServiceProcess ingest;
    private final List<ServiceProcess> workers;
    private final ServiceProcess results;
    private final ServiceProcess trainer;
    private final Progress progress;
    private final Path runDirectory;
    private boolean trainerReady;
    /** Its start takes only the CPU the others leave: longer than theirs while they are busy. */
    private static final Duration TRAINER_START = Duration.ofMinutes(4);

    private LocalPlatform(LocalInfrastructure infrastructure, ServiceProcess ingest, List<ServiceProcess> workers,
            ServiceProcess results, ServiceProcess trainer, Progress progress, Path runDirectory) {
        this.progress = progress;
        this.runDirectory = runDirectory;
        this.infrastructure = infrastructure;
        this.ingest = ingest;
        this.workers = List.copyOf(workers);
        this.results = results;
        this.trainer = trainer;
        List<ServiceProcess> all = new ArrayList<>();
        all.add(trainer);
        all.add(ingest);
        all.addAll(workers);
        all.add(results);
        this.services = List.copyOf(all);
    }

    /**
     * How to run the platform.
     *
     * @param workers    detect-worker processes, one consumer group: they share the partitions of images-uploaded
     * @param partitions partitions of each topic; more workers than partitions of images-uploaded sit idle
     * @param trainer    settings for the trainer beyond the wiring (for example {@code bloodcells.evaluation.limit})
     * @param results    settings for results-service beyond the wiring
     */
    public record Options(Ports ports, int workers, int partitions, Map<String, String> trainer,
            Map<String, String> results, Map<String, String> identityProvider) {

        public Options(Ports ports, int workers, int partitions) {
            this(ports, workers, partitions, Map.of(), Map.of(), Map.of());
        }

        /** The local run's partition count: room for a few workers to share a backlog. */
        public static final int DEFAULT_PARTITIONS = 6;

        public Options {
            if (workers < 1) {
                throw new IllegalArgumentException("at least one worker, was " + workers);
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("at least one partition, was " + partitions);
            }
            trainer = Map.copyOf(trainer);
            results = Map.copyOf(results);
            identityProvider = Map.copyOf(identityProvider);
        }

        public Options withWorkers(int count) {
            return new Options(ports, count, partitions, trainer, results, identityProvider);
        }

        public Options withTrainerSetting(String key, String value) {
            Map<String, String> settings = new LinkedHashMap<>(trainer);
            settings.put(key, value);
            return new Options(ports, workers, partitions, settings, results, identityProvider);
        }

        public Options withResultsSetting(String key, String value) {
            Map<String, String> settings = new LinkedHashMap<>(results);
            settings.put(key, value);
            return new Options(ports, workers, partitions, trainer, settings, identityProvider);
        }

        /**
         * The services verify the tokens of this identity provider (its {@code quarkus.oidc.*} settings, e.g.
         * {@code auth-server-url} for discovery) instead of the local key's; results-service then gets its token for
         * the trainer from the provider too (its {@code quarkus.oidc-client.*} settings, passed as results settings).
         */
        public Options withIdentityProvider(Map<String, String> quarkusProperties) {
            return new Options(ports, workers, partitions, trainer, results, quarkusProperties);
        }
    }

    /**
     * Ports for ingest-service, the first detect-worker (the others take free ones), results-service and the trainer;
     * 0 picks a free one.
     */
    public record Ports(int ingest, int worker, int results, int trainer) {

        /** Each service on the port it takes by itself ({@link RepositoryLayout#servicePort}). */
        public static Ports servicesOwn(RepositoryLayout layout) {
            return new Ports(layout.servicePort("ingest-service"), layout.servicePort("detect-worker"),
                    layout.servicePort("results-service"), layout.servicePort("trainer"));
        }

        public static Ports free() {
            return new Ports(0, 0, 0, 0);
        }
    }

    /**
     * What {@code service} needs to use the local servers, as its own Kafka user; with {@link Options#identityProvider}
     * set, that provider's settings replace the local signing key's.
     */
    private static Map<String, String> serviceConfig(LocalInfrastructure infrastructure, Options options,
            String service) {
        Map<String, String> config = new LinkedHashMap<>(infrastructure.quarkusProperties(service));
        if (!options.identityProvider().isEmpty()) {
            config.keySet().removeAll(infrastructure.identity().quarkusProperties().keySet());
            config.putAll(options.identityProvider());
        }
        return config;
    }

    public static LocalPlatform start(RepositoryLayout layout, Options options, Progress progress)
            throws IOException {
        progress.step("starting Kafka (KRaft), PostgreSQL and the S3 server");
        LocalInfrastructure infrastructure = LocalInfrastructure.start(layout.runDirectory());
        List<ServiceProcess> started = new ArrayList<>();
        try {
            // The services may not create topics (README's least privilege): here, as in a cluster, set-up does.
            infrastructure.kafka().createPlatformTopics(options.partitions());
            var runDir = layout.runDirectory();
            Ports ports = options.ports();

            progress.step("starting the trainer (model registry), ingest-service, " + options.workers()
                    + " detect-worker" + (options.workers() > 1 ? "s" : "") + " and results-service ("
                    + options.partitions() + " partitions per topic)");
            // Each service connects to Kafka as its own user, with its own ACLs.
            Map<String, String> trainerConfig = serviceConfig(infrastructure, options, "trainer");
            trainerConfig.put("bloodcells.models.dir", layout.releasedModel().getParent().toString());
            trainerConfig.put("bloodcells.training.datasets-dir", layout.root().resolve("datasets").toString());
            trainerConfig.put("bloodcells.training.python-sources", layout.root().resolve("trainer/python").toString());
            trainerConfig.put("bloodcells.training.work-dir", runDir.resolve("training").toString());
            // Only the trainer holds the registry's signing key; the readers get its public half.
            trainerConfig.putAll(infrastructure.promotionKeys().propertiesFor("trainer"));
            trainerConfig.putAll(options.trainer());
            int trainerPort = portOrFree(ports.trainer());
            // Nobody needs the trainer to see the first counts: the workers run the release from its file until its
            // promotion arrives. So it starts beside the others but takes only the CPU they leave (on two cores its
            // start, which imports the release, otherwise doubles theirs); awaitTrainer() waits for it.
            ServiceProcess trainer = ServiceProcess.start("trainer", layout.serviceJar("trainer"), trainerPort,
                    trainerConfig, List.of(), runDir, ChildJvm.Priority.LOW);
            started.add(trainer);
            ServiceProcess ingest = ServiceProcess.start("ingest-service", layout.serviceJar("ingest-service"),
                    portOrFree(ports.ingest()), serviceConfig(infrastructure, options, "ingest-service"), runDir);
            started.add(ingest);
            List<ServiceProcess> workers = new ArrayList<>();
            // The workers start with the release of this checkout and accept no other file there: its hash is taken
            // here, where Helm and compose take the model card's.
            String releasedSha256 = ImageId.of(layout.releasedModel());
            for (int i = 1; i <= options.workers(); i++) {
                Map<String, String> workerConfig = serviceConfig(infrastructure, options, "detect-worker");
                workerConfig.put("bloodcells.detector.model-path", layout.releasedModel().toString());
                workerConfig.putAll(infrastructure.promotionKeys().propertiesFor("detect-worker"));
                workerConfig.put("bloodcells.detector.model-sha256", releasedSha256);
                workerConfig.put("bloodcells.worker.id", "local-worker-" + i);
                workerConfig.put("bloodcells.detector.model-cache-dir",
                        runDir.resolve("worker-" + i + "-models").toString());
                ServiceProcess worker = ServiceProcess.start(i == 1 ? "detect-worker" : "detect-worker-" + i,
                        layout.serviceJar("detect-worker"), portOrFree(i == 1 ? ports.worker() : 0), workerConfig,
                        runDir);
                started.add(worker);
                workers.add(worker);
            }
            Map<String, String> resultsConfig = serviceConfig(infrastructure, options, "results-service");
            resultsConfig.put("quarkus.rest-client.trainer.url", trainer.baseUri().toString());
            resultsConfig.putAll(infrastructure.promotionKeys().propertiesFor("results-service"));
            if (options.identityProvider().isEmpty()) {
                // No provider to ask: results-service's own token for the trainer, signed by the local key. It may
                // read the registry only, never promote (a stolen one must not get round the promotion gate).
                resultsConfig.put("bloodcells.sign-in.trainer-token", infrastructure.identity().issue(
                        Audiences.RESULTS_SERVICE, List.of(Roles.REGISTRY_READER), List.of(Audiences.TRAINER)));
            }
            resultsConfig.putAll(options.results());
            ServiceProcess results = ServiceProcess.start("results-service", layout.serviceJar("results-service"),
                    portOrFree(ports.results()), resultsConfig, runDir);
            started.add(results);
            for (ServiceProcess service : started) {
                if (service == trainer) {
                    continue;
                }
                service.awaitReady(Duration.ofSeconds(120));
                progress.step(service.name() + " ready at " + service.baseUri() + " (log: " + service.log() + ")");
            }
            return new LocalPlatform(infrastructure, ingest, workers, results, trainer, progress, runDir);
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

    /** The detect-workers, in the order they were started (their ids are local-worker-1, -2, ...). */
    public List<ServiceProcess> workers() {
        return workers;
    }

    public URI resultsUri() {
        return results.baseUri();
    }

    public URI trainerUri() {
        return trainer.baseUri();
    }

    /** The trainer's state now, without waiting: ready, still starting, or exited (with its log). */
    public String trainerState() {
        String state = trainer.isReady() ? "ready" : trainer.isAlive() ? "still starting (it takes the CPU the others"
                + " leave)" : "exited before it was ready";
        return trainer.name() + " (model registry) " + state + " at " + trainer.baseUri() + " (log: " + trainer.log()
                + ")";
    }

    /** Waits for the trainer (the model registry) to be ready; {@link #start} does not. */
    public synchronized void awaitTrainer() {
        if (!trainerReady) {
            trainer.awaitReady(TRAINER_START);
            trainerReady = true;
            progress.step(trainer.name() + " ready at " + trainer.baseUri() + " (log: " + trainer.log() + ")");
        }
    }

    /**
     * Writes a token per role, and one for the scanner, signed by this run's local identity, into
     * {@code <run directory>/tokens} (readable by this user only): how a person signs in on embedded defaults.
     *
     * @return the folder
     */
    public Path writeTokens(String scannerId) throws IOException {
        Path folder = runDirectory.resolve("tokens");
        Files.createDirectories(folder);
        PlatformClient client = client();
        for (PlatformClient.User user : PlatformClient.User.values()) {
            write(folder.resolve(user.role + ".jwt"), client.token(user));
        }
        write(folder.resolve("scanner-" + scannerId + ".jwt"), client.scannerToken(scannerId));
        return folder;
    }

    private static void write(Path file, String token) throws IOException {
        Files.writeString(file, token + "\n");
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the run directory's own permissions apply.
        }
    }

    public ServiceProcess ingestService() {
        return ingest;
    }

    public ServiceProcess resultsService() {
        return results;
    }

    /** Every service's log file (its standard output and error): the trainer's, ingest's, each worker's, results'. */
    public List<Path> serviceLogs() {
        return services.stream().map(ServiceProcess::log).toList();
    }

    public PlatformClient client() {
        return new PlatformClient(ingest.baseUri(), results.baseUri(), trainer.baseUri(), infrastructure.identity());
    }

    /** Stops the services first (so they commit their offsets against a live broker), then the servers. */
    @Override
    public void close() {
        // Side by side: each takes its own time to shut down gracefully (results-service's consumers leave their
        // group one by one, a worker finishes its batch), and none waits for another.
        List<Thread> stopping = new ArrayList<>();
        for (ServiceProcess service : services) {
            Thread thread = new Thread(service::close, "stop-" + service.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
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
