package org.bloodcells.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Looks at topics from outside the services: record counts, consumer lag, and replays. */
final class TopicProbe implements AutoCloseable {

    private final Map<String, String> client;
    private final Admin admin;

    /** @param client the bootstrap servers and a login that may read every topic (the broker's administrator) */
    TopicProbe(Map<String, String> client) {
        this.client = Map.copyOf(client);
        Properties props = new Properties();
        props.putAll(client);
        this.admin = Admin.create(props);
    }

    /** Number of records ever written to the topic (its partitions' end offsets summed). */
    long endOffset(String topic) {
        return endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> request = partitions.stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /** True when every consumer group that has committed offsets on the topic has consumed all of it. */
    boolean allGroupsCaughtUp(String topic) {
        try {
            Map<TopicPartition, Long> ends = endOffsets(topic);
            boolean anyGroup = false;
            for (ConsumerGroupListing group : admin.listConsumerGroups().all().get()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
                for (var end : ends.entrySet()) {
                    OffsetAndMetadata offset = committed.get(end.getKey());
                    if (offset == null) {
                        if (end.getValue() > 0 && committed.keySet().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                            return false;
                        }
                        continue;
                    }
                    anyGroup = true;
                    if (offset.offset() < end.getValue()) {
                        return false;
                    }
                }
            }
            return anyGroup;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read consumer offsets", e);
        }
    }

    /** Every record of the topic, as raw bytes, from the beginning to the current end. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<TopicPartition, Long> ends = endOffsets(topic);
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
            }
        }
        return records;
    }

    /** Sends one record, as a producer outside the platform (MinIO's Kafka target, for instance) would. */
    void send(String topic, String key, String value) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    value.getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    /** How long the broker keeps the topic's records ({@code retention.ms}, its own or the broker's default). */
    long retentionMs(String topic) {
        var resource = new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        try {
            return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("retention.ms").value());
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }

    /** Sends the same records again, byte for byte: what a redelivery looks like to a consumer. */
    void replay(List<ConsumerRecord<byte[], byte[]>> records) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value())).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("replay failed", e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
