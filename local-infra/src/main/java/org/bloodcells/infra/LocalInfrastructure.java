package org.bloodcells.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.common.config.SaslConfigs;
import org.bloodcells.events.TopicAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka, PostgreSQL and an S3 server, all real and on loopback, started together for tests and
 * for running the services locally. Their files live in one work directory, deleted on close.
 */
public final class LocalInfrastructure implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalInfrastructure.class);

    private final Path workDir;
    private final KafkaBroker kafka;
    private final PostgresServer postgres;
    private final S3Server s3;
    private final LocalIdentity identity = LocalIdentity.generate();
    private final PromotionKeys promotionKeys = PromotionKeys.generate();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalInfrastructure(Path workDir, KafkaBroker kafka, PostgresServer postgres, S3Server s3) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.postgres = postgres;
        this.s3 = s3;
    }

    /** Starts everything with its files under {@code java.io.tmpdir}. */
    public static LocalInfrastructure start() throws IOException {
        return start(WorkDirectory.defaultParent());
    }

    /**
     * Starts the three servers in parallel (each mostly waits on a child process) with their files
     * in a new directory under {@code parentDir}; if one fails, the others are stopped again.
     */
    public static LocalInfrastructure start(Path parentDir) throws IOException {
        long began = System.nanoTime();
        Path workDir = WorkDirectory.createUnder(parentDir, "local-infra-");
        ExecutorService starter = Executors.newFixedThreadPool(3, runnable -> {
            Thread thread = new Thread(runnable, "local-infra-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            var kafka = CompletableFuture.supplyAsync(() -> startIn(workDir, "kafka", KafkaBroker::start), starter);
            var postgres = CompletableFuture.supplyAsync(() -> startIn(workDir, "postgres", PostgresServer::start), starter);
            var s3 = CompletableFuture.supplyAsync(() -> startIn(workDir, "s3", S3Server::start), starter);
            List<RuntimeException> failures = new ArrayList<>();
            for (CompletableFuture<?> future : List.of(kafka, postgres, s3)) {
                try {
                    future.join();
                } catch (CompletionException e) {
                    failures.add(unwrap(e));
                }
            }
            if (!failures.isEmpty()) {
                closeAll(Stream.of(kafka, postgres, s3).filter(f -> !f.isCompletedExceptionally())
                        .map(f -> (AutoCloseable) f.join()).toList());
                WorkDirectory.delete(workDir);
                RuntimeException first = failures.get(0);
                failures.subList(1, failures.size()).forEach(first::addSuppressed);
                throw first;
            }
            LOG.info("Local infrastructure ready in {} ms (files in {})",
                    (System.nanoTime() - began) / 1_000_000, workDir);
            return new LocalInfrastructure(workDir, kafka.join(), postgres.join(), s3.join());
        } finally {
            starter.shutdown();
        }
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public S3Server s3() {
        return s3;
    }

    /** The stand-in identity provider whose tokens the services started with these properties trust. */
    public LocalIdentity identity() {
        return identity;
    }

    /** The registry's stand-in promotion key, for the services that map it ({@link PromotionKeys#propertiesFor}). */
    public PromotionKeys promotionKeys() {
        return promotionKeys;
    }

    /**
     * The configuration a service needs to use these servers, keyed by its property names, but for its Kafka login
     * ({@code kafka.sasl.jaas.config}): see {@link #quarkusProperties(String)}.
     */
    public Map<String, String> quarkusProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        kafka.clientProperties(KafkaBroker.ADMIN_USER).forEach((key, value) -> {
            if (!key.equals(SaslConfigs.SASL_JAAS_CONFIG)) {
                properties.put("kafka." + key, value);
            }
        });
        properties.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        properties.put("quarkus.datasource.username", postgres.username());
        properties.put("quarkus.datasource.password", postgres.password());
        properties.put("bloodcells.storage.endpoint", s3.endpoint());
        properties.put("bloodcells.storage.access-key", s3.accessKey());
        properties.put("bloodcells.storage.secret-key", s3.secretKey());
        properties.putAll(identity.quarkusProperties());
        return Collections.unmodifiableMap(properties);
    }

    /** The configuration {@code service} needs, with its own Kafka user (README's least privilege for it). */
    public Map<String, String> quarkusProperties(String service) {
        Map<String, String> properties = new LinkedHashMap<>(quarkusProperties());
        properties.put("kafka." + SaslConfigs.SASL_JAAS_CONFIG,
                kafka.clientProperties(service).get(SaslConfigs.SASL_JAAS_CONFIG));
        return Collections.unmodifiableMap(properties);
    }

    /** Stops all three (in parallel: each waits on its own process) and deletes the work directory. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeAll(List.of(kafka, postgres, s3));
        WorkDirectory.delete(workDir);
    }

    /**
     * Starts everything, prints the properties as {@code key=value} lines on stdout (logs go to
     * stderr, so stdout can be read as a properties file), and runs until the JVM is stopped.
     *
     * @param args optionally the directory to put the work directory in
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path parent = args.length > 0 ? Path.of(args[0]) : WorkDirectory.defaultParent();
        LocalInfrastructure infrastructure = start(parent);
        Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close, "local-infra-stop"));
        infrastructure.kafka().createPlatformTopics(1);
        infrastructure.quarkusProperties().forEach((key, value) -> System.out.println(key + "=" + value));
        for (TopicAccess service : TopicAccess.SERVICES) {
            String login = "kafka." + SaslConfigs.SASL_JAAS_CONFIG;
            System.out.println("# " + service.user() + "'s Kafka user: " + login + "="
                    + infrastructure.quarkusProperties(service.user()).get(login));
        }
        System.out.println("# local infrastructure ready; Ctrl-C stops it");
        System.out.flush();
        new CountDownLatch(1).await();
    }

    @FunctionalInterface
    private interface Starter<T> {
        T start(Path workDir) throws IOException;
    }

    private static <T> T startIn(Path workDir, String subdirectory, Starter<T> starter) {
        try {
            return starter.start(Files.createDirectories(workDir.resolve(subdirectory)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeAll(List<AutoCloseable> servers) {
        List<Thread> stops = servers.stream()
                .map(server -> new Thread(() -> closeQuietly(server), "local-infra-stop"))
                .toList();
        stops.forEach(Thread::start);
        for (Thread stop : stops) {
            try {
                stop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            LOG.warn("Could not stop " + server, e);
        }
    }

    private static RuntimeException unwrap(CompletionException e) {
        Throwable cause = e.getCause();
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
}
