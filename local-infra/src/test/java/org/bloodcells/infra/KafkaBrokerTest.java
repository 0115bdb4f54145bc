package org.bloodcells.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = SharedServers.get().kafka();
    }

    /** A client's settings as the broker's administrator, with {@code keyValues} (key, value, key, value...) added. */
    static Map<String, Object> asAdmin(KafkaBroker broker, Object... keyValues) {
        return as(broker.adminClientProperties(), keyValues);
    }

    static Map<String, Object> as(Map<String, String> clientProperties, Object... keyValues) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    @Test
    void aProducedMessageIsConsumedBackByAConsumerGroup() throws Exception {
        String topic = "images-uploaded-" + UUID.randomUUID();
        broker.createTopics(3, topic);
        try (var producer = new KafkaProducer<String, String>(KafkaBrokerTest.asAdmin(broker, ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "sha256:abc", "{\"slide\":\"S-1\"}")).get(30, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(KafkaBrokerTest.asAdmin(broker, ConsumerConfig.GROUP_ID_CONFIG, "detect-worker",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
        }

        assertEquals(1, received.size());
        assertEquals("sha256:abc", received.get(0).key());
        assertEquals("{\"slide\":\"S-1\"}", received.get(0).value());
    }

    /** The launcher and every test resource create the topics they need, whether or not they exist already. */
    @Test
    void creatingAnExistingTopicAgainKeepsItsPartitionsAndRecords() throws Exception {
        String topic = "model-promoted-" + UUID.randomUUID();
        broker.createTopics(3, topic);
        try (var producer = new KafkaProducer<String, String>(KafkaBrokerTest.asAdmin(broker, ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 1, "key", "kept")).get(30, TimeUnit.SECONDS);
        }

        broker.createTopics(1, topic);

        try (Admin admin = Admin.create(KafkaBrokerTest.asAdmin(broker))) {
            List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic).partitions();
            assertEquals(3, partitions.size(), "the second call did not re-create the topic with its own count");
            long endOffset = admin.listOffsets(Map.of(new TopicPartition(topic, 1), OffsetSpec.latest())).all()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, 1)).offset();
            assertEquals(1, endOffset, "the record written before the second call is still there");
        }
    }
}
