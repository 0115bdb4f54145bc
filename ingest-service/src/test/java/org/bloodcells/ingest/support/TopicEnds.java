package org.bloodcells.ingest.support;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How many records the real broker holds on a topic (the sum of its partitions' end offsets), to prove that nothing
 * was published; and a producer to write what another system (the object store) would write.
 */
public final class TopicEnds implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;

    public TopicEnds(String bootstrapServers) {
        Properties config = new Properties();
        config.putAll(TestKafka.clientConfig(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "ingest-test-" + UUID.randomUUID());
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        Properties producerConfig = new Properties();
        producerConfig.putAll(TestKafka.clientConfig(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    }

    public long records(String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        return consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    /** Writes one record and waits for the broker's acknowledgement. */
    public void send(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
    }
}
