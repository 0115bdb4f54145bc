package org.bloodcells.detect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.errors.TopicExistsException;

import org.bloodcells.events.Topics;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The shared local infrastructure as this worker uses it: Kafka with the worker's topics already
 * there, and S3. The PostgreSQL properties are left out, because without a datasource extension
 * Quarkus reports them as unrecognized keys.
 *
 * <p>With the argument {@value #STORAGE}={@value #UNREACHABLE} the worker is pointed at a port
 * where no S3 server listens, as when object storage is down.
 */
public class LocalKafkaAndS3 implements QuarkusTestResourceLifecycleManager {

    public static final String STORAGE = "storage";
    public static final String UNREACHABLE = "unreachable";
    /** With this argument set to {@code true} the model topics exist before the worker starts (its test deletes them). */
    public static final String MODEL_TOPICS = "model-topics";
    /**
     * With this argument set to {@code <topic>,<group>} the worker's Kafka user may read that topic of a test's own
     * in that group: the broker admits it to the platform's topics and its group {@code detect-worker} only.
     */
    public static final String OWN_TOPIC = "own-topic";

    private final LocalInfrastructureTestResource infrastructure = new LocalInfrastructureTestResource();
    private boolean storageUnreachable;
    private boolean modelTopics;
    private String ownTopic;

    @Override
    public void init(Map<String, String> initArgs) {
        storageUnreachable = UNREACHABLE.equals(initArgs.get(STORAGE));
        modelTopics = "true".equals(initArgs.get(MODEL_TOPICS));
        ownTopic = initArgs.get(OWN_TOPIC);
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = new HashMap<>(infrastructure.start());
        properties.keySet().removeIf(key -> key.startsWith("quarkus.datasource."));
        createTopics(properties.get("kafka.bootstrap.servers"),
                Topics.IMAGES_UPLOADED, Topics.CELL_DETECTIONS, Topics.DEAD_LETTERS);
        if (modelTopics) {
            createTopics(properties.get("kafka.bootstrap.servers"), Topics.MODELS_PROMOTED, Topics.MODELS_REJECTED);
        }
        if (ownTopic != null) {
            String[] topicAndGroup = ownTopic.split(",");
            createTopics(properties.get("kafka.bootstrap.servers"), topicAndGroup[0]);
            grantRead(properties.get("kafka.bootstrap.servers"), topicAndGroup[0], topicAndGroup[1]);
        }
        if (storageUnreachable) {
            properties.put("bloodcells.storage.endpoint", "http://127.0.0.1:" + closedPort());
        }
        return properties;
    }

    @Override
    public void stop() {
        infrastructure.stop();
    }

    /** Before the worker subscribes, so that it does not start by waiting for auto-creation. */
    private static void createTopics(String bootstrapServers, String... names) {
        // Test resources start on a thread whose context class loader is not the one that loaded
        // the Kafka client; Kafka loads its plug-ins (JmxReporter) through the context loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        try (Admin admin = Admin.create(TestKafka.clientConfig(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (KafkaFuture<Void> created : admin.createTopics(Stream.of(names)
                    .map(name -> new NewTopic(name, Optional.empty(), Optional.empty()))
                    .toList()).values().values()) {
                try {
                    created.get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topics " + List.of(names), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Lets the worker's Kafka user read {@code topic} in {@code group}, as the broker's administrator. */
    private static void grantRead(String bootstrapServers, String topic, String group) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        AccessControlEntry read = new AccessControlEntry("User:detect-worker", "*", AclOperation.READ,
                AclPermissionType.ALLOW);
        try (Admin admin = Admin.create(TestKafka.clientConfig(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createAcls(List.of(
                    new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), read),
                    new AclBinding(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL), read)))
                    .all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot let the worker read " + topic, e.getCause());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
