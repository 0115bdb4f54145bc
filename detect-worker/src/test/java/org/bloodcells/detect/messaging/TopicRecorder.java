package org.bloodcells.detect.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads one topic from its beginning with a real consumer and remembers every value, so a test
 * can await the record it caused among those of other tests. Partitions are assigned, not
 * subscribed: no group, no rebalance to wait for.
 */
final class TopicRecorder<T> implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final Class<T> type;
    private final ObjectMapper json;
    private final List<T> values = new ArrayList<>();

    TopicRecorder(String bootstrapServers, String topic, Class<T> type, ObjectMapper json) {
        this.type = type;
        this.json = json;
        this.consumer = new KafkaConsumer<>(TestKafka.clientConfig(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls what has arrived since the last call and returns the first value that matches. */
    Optional<T> find(Predicate<T> matching) {
        pollOnce();
        return values.stream().filter(matching).findFirst();
    }

    /** Every value the topic holds now. */
    List<T> readToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            pollOnce();
        }
        return List.copyOf(values);
    }

    private void pollOnce() {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            try {
                values.add(json.readValue(record.value(), type));
            } catch (JsonProcessingException e) {
                throw new AssertionError("Not a " + type.getSimpleName() + ": " + record.value(), e);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
