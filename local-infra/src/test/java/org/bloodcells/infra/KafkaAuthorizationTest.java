package org.bloodcells.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.events.TopicAccess;
import org.bloodcells.events.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker refuses what README's least-privilege table does not give: a client without credentials, a wrong
 * password, and a service writing a topic that is not its own; it takes what the table gives.
 */
class KafkaAuthorizationTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void platformTopics() {
        broker = SharedServers.get().kafka();
        broker.createPlatformTopics(1);
    }

    @Test
    void aProducerWithoutCredentialsWritesNothing() throws Exception {
        long before = endOffset(Topics.MODELS_PROMOTED);
        try (var producer = producer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            // The SASL listener drops a plaintext client before it learns anything, so the send never gets metadata.
            ExecutionException refused = assertThrows(ExecutionException.class, () -> producer.send(
                    new ProducerRecord<>(Topics.MODELS_PROMOTED, "detector", "forged")).get(10, TimeUnit.SECONDS));
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, refused.getCause());
        }
        assertEquals(before, endOffset(Topics.MODELS_PROMOTED), "nothing reached the topic");
    }

    @Test
    void aServiceUserWithAWrongPasswordIsNotAuthenticated() {
        Map<String, Object> config = KafkaBrokerTest.as(broker.clientProperties("detect-worker"),
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"detect-worker\" password=\"guessed\";");
        try (var producer = producer(config)) {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> producer.send(
                    new ProducerRecord<>(Topics.CELL_DETECTIONS, "k", "v")).get(10, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, refused.getCause());
        }
    }

    @Test
    void aWorkerMayWriteDetectionsButNotPromoteAModel() throws Exception {
        assertWorkerRights(broker);
    }

    /** Every platform topic, as {@link KafkaBroker#createPlatformTopics} makes them. */
    private static final List<String> PLATFORM_TOPICS = List.of(Topics.IMAGES_UPLOADED, Topics.CELL_DETECTIONS,
            Topics.DEAD_LETTERS, Topics.IMAGE_MEMBERSHIPS, Topics.BUCKET_NOTIFICATIONS, Topics.MODELS_PROMOTED,
            Topics.MODELS_REJECTED);

    @Test
    void everyUserWritesExactlyTheTopicsTheTableGivesIt() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (TopicAccess access : TopicAccess.ALL) {
            // the allowed writes first: a refusal does not close the producer, but keeps its sends apart
            List<String> topics = new ArrayList<>(PLATFORM_TOPICS);
            topics.sort((a, b) -> Boolean.compare(!access.writes().contains(a), !access.writes().contains(b)));
            try (var producer = producer(KafkaBrokerTest.as(broker.clientProperties(access.user())))) {
                for (String topic : topics) {
                    boolean allowed = access.writes().contains(topic);
                    long before = endOffset(topic);
                    try {
                        producer.send(new ProducerRecord<>(topic, "access-test", "{}")).get(30, TimeUnit.SECONDS);
                        if (!allowed) {
                            wrong.add(access.user() + " wrote " + topic);
                        }
                    } catch (ExecutionException e) {
                        if (allowed || !(e.getCause() instanceof TopicAuthorizationException)) {
                            wrong.add(access.user() + " on " + topic + ": " + e.getCause());
                        } else if (endOffset(topic) != before) {
                            wrong.add(access.user() + " was refused " + topic + " yet a record arrived");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), wrong, "README's least-privilege table (TopicAccess) and the broker disagree");
    }

    /** The detect-worker's user writes {@code cell-detections} and is refused {@code models-promoted}. */
    static void assertWorkerRights(KafkaBroker broker) throws Exception {
        long promotions = endOffset(broker, Topics.MODELS_PROMOTED);
        try (var worker = producer(KafkaBrokerTest.as(broker.clientProperties("detect-worker")))) {
            worker.send(new ProducerRecord<>(Topics.CELL_DETECTIONS, "sha256:allowed", "{}")).get(30, TimeUnit.SECONDS);
            ExecutionException refused = assertThrows(ExecutionException.class, () -> worker.send(
                    new ProducerRecord<>(Topics.MODELS_PROMOTED, "detector", "forged")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause());
        }
        assertEquals(promotions, endOffset(broker, Topics.MODELS_PROMOTED), "the forged promotion is not there");
    }

    private static KafkaProducer<String, String> producer(Map<String, ?> config) {
        Map<String, Object> settings = KafkaBrokerTest.as(Map.of(), ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        settings.putAll(config);
        return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }

    private long endOffset(String topic) {
        return endOffset(broker, topic);
    }

    private static long endOffset(KafkaBroker broker, String topic) {
        try (var consumer = new KafkaConsumer<String, String>(KafkaBrokerTest.asAdmin(broker),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        }
    }
}
