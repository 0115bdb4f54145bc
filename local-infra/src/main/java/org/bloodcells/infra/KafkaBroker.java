package org.bloodcells.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
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
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.bloodcells.events.TopicAccess;
import org.bloodcells.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka KRaft broker (combined broker and controller) on loopback.
 *
 * <p>It runs in a child JVM: inside a {@code @QuarkusTest} the Kafka server, Scala and their
 * libraries would otherwise share a class loader with the service's own kafka-clients, and the
 * broker's logging with Quarkus' console. The child's classpath comes from the local Maven
 * repository (see {@link LocalRepository}); its log is {@code kafka.log} in the work directory.
 *
 * <p>It authenticates every client as a cluster's brokers would: one SASL_PLAINTEXT listener with SCRAM-SHA-512, a
 * user per service ({@link TopicAccess}) and an administrator ({@link #ADMIN_USER}, the only super user, which the
 * broker itself, the tests' own clients and the topic set-up use), each with a password made for this run and never
 * written anywhere but the run's work directory. The KRaft {@code StandardAuthorizer} refuses whatever no ACL allows;
 * the ACLs are {@link TopicAccess}'s, so a service that writes a topic README's table does not give it is refused,
 * here as in a cluster. The controller's own listener takes the administrator only (SASL PLAIN, loopback).
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String NODE_MAIN = "org.bloodcells.infra.child.KafkaNode";
    private static final SecureRandom RANDOM = new SecureRandom();
    // Heap and JIT sized for a test broker on a small shared machine; C1 only starts faster.
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true");

    /** The broker's administrator: its only super user. */
    public static final String ADMIN_USER = "admin";
    /** The SASL mechanism of the clients' listener. */
    public static final String SASL_MECHANISM = "SCRAM-SHA-512";
    private static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";

    private volatile ChildJvm jvm;
    private final String bootstrapServers;
    private final Map<String, String> passwords;
    private final Admin admin;

    private KafkaBroker(ChildJvm jvm, String bootstrapServers, Map<String, String> passwords) {
        this.jvm = jvm;
        this.bootstrapServers = bootstrapServers;
        this.passwords = passwords;
        this.admin = createAdmin(clientProperties(bootstrapServers, ADMIN_USER, passwords.get(ADMIN_USER)));
    }

    /**
     * Starts a broker whose files live in {@code workDir} (existing, empty, and deleted by the
     * caller after {@link #close()}), and waits until it answers Admin requests.
     */
    public static KafkaBroker start(Path workDir) throws IOException {
        long began = System.nanoTime();
        int port = WorkDirectory.freePort();
        int controllerPort = WorkDirectory.freePort();
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put(ADMIN_USER, newPassword());
        TopicAccess.ALL.forEach(access -> passwords.put(access.user(), newPassword()));
        Path users = workDir.resolve("scram-users.properties");
        Properties scram = new Properties();
        scram.putAll(passwords);
        WorkDirectory.writeProperties(users, scram);
        Path config = workDir.resolve("server.properties");
        WorkDirectory.writeProperties(config,
                serverProperties(port, controllerPort, workDir.resolve("data"), passwords.get(ADMIN_USER)));
        List<Path> classpath = LocalRepository.resolve(brokerClasspath());
        ChildJvm jvm = ChildJvm.start("kafka", workDir, classpath, JVM_OPTIONS, List.of(NODE_MAIN), NODE_MAIN,
                List.of(Uuid.randomUuid().toString(), config.toString(), users.toString()));
        // Probing the port before creating the Admin client keeps its connection warnings out of the caller's log.
        KafkaBroker broker = null;
        try {
            jvm.awaitReady(START_TIMEOUT, () -> ChildJvm.acceptsConnections(port));
            broker = new KafkaBroker(jvm, "127.0.0.1:" + port, Map.copyOf(passwords));
            jvm.awaitReady(START_TIMEOUT, broker::hasBrokers);
            // Kept in the metadata log: a restart on the same data keeps them, as it keeps the users.
            broker.allow(TopicAccess.ALL);
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
     * What a Kafka client needs to connect as {@code user} (a service's, {@link TopicAccess#user()}, or
     * {@link #ADMIN_USER}): the bootstrap servers and the SASL settings, keyed by the clients' property names.
     */
    public Map<String, String> clientProperties(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("The broker has no user " + user);
        }
        return clientProperties(bootstrapServers, user, password);
    }

    /** The administrator's client properties: a super user, for set-up and for tests' own clients. */
    public Map<String, String> adminClientProperties() {
        return clientProperties(ADMIN_USER);
    }

    /**
     * Creates the platform's topics where missing ({@link Topics}): the pipeline's with {@code partitions} partitions,
     * the model topics with one (the trainer's settings). The services may not create them: a cluster's operators
     * do, and so does whoever starts this broker for them.
     */
    public void createPlatformTopics(int partitions) {
        createTopics(partitions, Topics.IMAGES_UPLOADED, Topics.CELL_DETECTIONS, Topics.DEAD_LETTERS,
                Topics.IMAGE_MEMBERSHIPS, Topics.BUCKET_NOTIFICATIONS);
        createTopics(1, Topics.MODELS_PROMOTED_CONFIG, Topics.MODELS_PROMOTED);
        createTopics(1, Topics.MODELS_REJECTED);
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

    /** The ACLs that give each user its access: read, write and create per topic, read per consumer group. */
    static List<AclBinding> aclBindings(Collection<TopicAccess> accesses) {
        List<AclBinding> bindings = new ArrayList<>();
        for (TopicAccess access : accesses) {
            AccessControlEntry read = allow(access.user(), AclOperation.READ);
            access.reads().forEach(topic -> bindings.add(new AclBinding(topic(topic), read)));
            access.writes().forEach(topic -> bindings.add(
                    new AclBinding(topic(topic), allow(access.user(), AclOperation.WRITE))));
            access.creates().forEach(topic -> bindings.add(
                    new AclBinding(topic(topic), allow(access.user(), AclOperation.CREATE))));
            access.groups().forEach(group -> bindings.add(
                    new AclBinding(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL), read)));
        }
        return bindings;
    }

    private void allow(Collection<TopicAccess> accesses) {
        try {
            admin.createAcls(aclBindings(accesses)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create the Kafka ACLs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating the Kafka ACLs", e);
        }
    }

    private static ResourcePattern topic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }

    private static AccessControlEntry allow(String user, AclOperation operation) {
        return new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW);
    }

    private static Map<String, String> clientProperties(String bootstrapServers, String user, String password) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, SECURITY_PROTOCOL);
        properties.put("sasl.mechanism", SASL_MECHANISM);
        properties.put("sasl.jaas.config", scramLogin(user, password));
        return Map.copyOf(properties);
    }

    private static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** 192 random bits, URL-safe Base64: nothing in it needs quoting in a JAAS line or a format argument. */
    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
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
    private static Admin createAdmin(Map<String, String> clientProperties) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaBroker.class.getClassLoader());
        try {
            Map<String, Object> config = new LinkedHashMap<>(clientProperties);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
            return Admin.create(config);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static List<String> brokerClasspath() {
        List<String> classpath = new ArrayList<>(LocalRepository.classpathResource("kafka/broker-runtime.classpath"));
        classpath.addAll(LocalRepository.classpathResource("kafka/broker-provided.classpath"));
        return classpath;
    }

    private static Properties serverProperties(int port, int controllerPort, Path dataDir, String adminPassword) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "SASL_PLAINTEXT");
        // Clients and the broker itself: SCRAM users from the metadata log (formatted in, see KafkaNode).
        p.setProperty("listener.name.sasl_plaintext.sasl.enabled.mechanisms", SASL_MECHANISM);
        p.setProperty("sasl.mechanism.inter.broker.protocol", SASL_MECHANISM);
        p.setProperty("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", scramLogin(ADMIN_USER, adminPassword));
        // The controller cannot read SCRAM users before it has read the metadata log: its listener takes PLAIN, with
        // the administrator as its only user. Without any, its ANONYMOUS principal would have to be a super user.
        p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
        p.setProperty("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN_USER
                        + "\" password=\"" + adminPassword + "\" user_" + ADMIN_USER + "=\"" + adminPassword + "\";");
        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.setProperty("super.users", "User:" + ADMIN_USER);
        p.setProperty("allow.everyone.if.no.acl.found", "false");
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
