package org.bloodcells.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka KRaft broker (combined broker and controller) on loopback.
 *
 * <p>It runs in a child JVM: inside a {@code @QuarkusTest} the Kafka server, Scala and their
 * libraries would otherwise share a class loader with the service's own kafka-clients, and the
 * broker's logging with Quarkus' console. The child's classpath comes from the local Maven
 * repository (see {@link LocalRepository}); its log is {@code kafka.log} in the work directory.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String NODE_MAIN = "org.bloodcells.infra.child.KafkaNode";
    // Heap and JIT sized for a test broker on a small shared machine; C1 only starts faster.
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true");

    private volatile ChildJvm jvm;
    private final String bootstrapServers;
    private final Admin admin;

    private KafkaBroker(ChildJvm jvm, String bootstrapServers) {
        this.jvm = jvm;
        this.bootstrapServers = bootstrapServers;
        this.admin = createAdmin(bootstrapServers);
    }

    /**
     * Starts a broker whose files live in {@code workDir} (existing, empty, and deleted by the
     * caller after {@link #close()}), and waits until it answers Admin requests.
     */
    public static KafkaBroker start(Path workDir) throws IOException {
        long began = System.nanoTime();
        int port = WorkDirectory.freePort();
        int controllerPort = WorkDirectory.freePort();
        Path config = workDir.resolve("server.properties");
        WorkDirectory.writeProperties(config, serverProperties(port, controllerPort, workDir.resolve("data")));
        List<Path> classpath = LocalRepository.resolve(brokerClasspath());
        ChildJvm jvm = ChildJvm.start("kafka", workDir, classpath, JVM_OPTIONS, List.of(NODE_MAIN), NODE_MAIN,
                List.of(Uuid.randomUuid().toString(), config.toString()));
        // Probing the port before creating the Admin client keeps its connection warnings out of the caller's log.
        KafkaBroker broker = null;
        try {
            jvm.awaitReady(START_TIMEOUT, () -> ChildJvm.acceptsConnections(port));
            broker = new KafkaBroker(jvm, "127.0.0.1:" + port);
            jvm.awaitReady(START_TIMEOUT, broker::hasBrokers);
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.close();
            } else {
                jvm.close();
            }
            throw e;
        }
        LOG.info("Kafka broker ready at {} in {} ms", broker.bootstrapServers, (System.nanoTime() - began) / 1_000_000);
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Stops the broker (SIGTERM: a controlled shutdown, as an upgrade or a node drain does), keeping its data, port
     * and cluster id for {@link #startAgain()}. Clients see it gone until then.
     */
    public synchronized void stop() {
        jvm.stop(Duration.ofSeconds(30));
    }

    /** Starts the stopped broker again on the same port with the same data; returns once it has a broker. */
    public synchronized void startAgain() throws IOException {
        jvm = jvm.startAgain();
        jvm.awaitReady(START_TIMEOUT, this::hasBrokers);
        LOG.info("Kafka broker at {} started again", bootstrapServers);
    }

    /** Creates topics with one partition each; topics that exist already are left as they are. */
    public void createTopics(String... names) {
        createTopics(1, names);
    }

    /** Creates topics with {@code partitions} partitions each; topics that exist already are left as they are. */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /** As {@link #createTopics(int, String...)}, with topic settings such as {@code cleanup.policy}. */
    public void createTopics(int partitions, Map<String, String> configs, String... names) {
        List<NewTopic> topics = Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1).configs(configs)).toList();
        for (var result : admin.createTopics(topics).values().entrySet()) {
            try {
                result.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + result.getKey(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("Timed out creating topic " + result.getKey(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted creating topic " + result.getKey(), e);
            }
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ZERO);
        jvm.close();
    }

    private boolean hasBrokers() {
        try {
            return !admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for the Kafka broker", e);
        }
    }

    /**
     * Kafka loads its plugins (the JMX metrics reporter, for one) through the thread's context
     * class loader. Inside a Quarkus test that is the application's loader, whose kafka-clients
     * classes are not the ones this class was linked with: ClassCastException.
     */
    private static Admin createAdmin(String bootstrapServers) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaBroker.class.getClassLoader());
        try {
            return Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static List<String> brokerClasspath() {
        List<String> classpath = new ArrayList<>(LocalRepository.classpathResource("kafka/broker-runtime.classpath"));
        classpath.addAll(LocalRepository.classpathResource("kafka/broker-provided.classpath"));
        return classpath;
    }

    private static Properties serverProperties(int port, int controllerPort, Path dataDir) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dataDir.toString());
        // One node: every internal topic must fit on it, or consumers silently receive nothing.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        p.setProperty("num.partitions", "1");
        // Tests join consumer groups constantly; the default 3 s delay would slow every one.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        // A small machine shared with the services under test.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        return p;
    }
}
