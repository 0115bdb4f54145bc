package org.bloodcells.ingest.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one topic of the real broker from the beginning to its current end with a plain Kafka consumer, as any
 * downstream service would.
 */
public final class EventTopic<T> {

    private final String bootstrapServers;
    private final ObjectMapper json;
    private final String topic;
    private final Class<T> type;

    public EventTopic(String bootstrapServers, ObjectMapper json, String topic, Class<T> type) {
        this.bootstrapServers = bootstrapServers;
        this.json = json;
        this.topic = topic;
        this.type = type;
    }

    /** {@link Topics#IMAGES_UPLOADED}. */
    public static EventTopic<ImageUploaded> uploads(String bootstrapServers, ObjectMapper json) {
        return new EventTopic<>(bootstrapServers, json, Topics.IMAGES_UPLOADED, ImageUploaded.class);
    }

    /** {@link Topics#IMAGE_MEMBERSHIPS}. */
    public static EventTopic<ImageMembership> memberships(String bootstrapServers, ObjectMapper json) {
        return new EventTopic<>(bootstrapServers, json, Topics.IMAGE_MEMBERSHIPS, ImageMembership.class);
    }

    /** Every event on the topic whose record key is {@code imageId}. */
    public List<T> eventsFor(String imageId) {
        return records().stream()
                .filter(record -> imageId.equals(record.key()))
                .map(record -> parse(record.value()))
                .toList();
    }

    /** Number of records on the topic now. */
    public int size() {
        return records().size();
    }

    private List<ConsumerRecord<String, String>> records() {
        Properties config = new Properties();
        config.putAll(TestKafka.clientConfig(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "ingest-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private T parse(String value) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not a " + type.getSimpleName() + ": " + value, e);
        }
    }
}
