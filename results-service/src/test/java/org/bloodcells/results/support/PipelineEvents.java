package org.bloodcells.results.support;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageMembership;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.results.service.KnownVersions;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Arc;

/**
 * Publishes pipeline events to the real broker the way ingest, the detect workers and the trainer do: JSON
 * written by Jackson, keyed by image id, acknowledged by the broker before the test goes on; promotions signed with
 * the registry's key of the test servers, and the version of every run published vouched for first, as a
 * re-processing request would (results-service stores runs of versions the registry knows only).
 */
public final class PipelineEvents implements AutoCloseable {

    /** The versions vouched for in this JVM already. */
    private static final Set<String> VOUCHED = ConcurrentHashMap.newKeySet();

    /** The consumer group results-service uses; see application.properties. */
    private static final String RESULTS_GROUP = "results-service";

    private final KafkaProducer<String, String> producer;
    private final Admin admin;
    private final ObjectMapper json;

    public PipelineEvents(String bootstrapServers, ObjectMapper json) {
        Properties config = new Properties();
        config.putAll(TestKafka.clientConfig(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        this.admin = Admin.create(TestKafka.clientConfig(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.json = json;
    }

    /** A fresh image id: the SHA-256 of bytes no other test uses. */
    public static String newImageId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ImageUploaded uploaded(String imageId, String slideId, String batchId) {
        return ImageUploaded.builder().imageId(imageId).bucket("images")
                .objectKey("sha256/" + imageId.substring(0, 2) + "/" + imageId + ".jpg").contentType("image/jpeg")
                .sizeBytes(20_919).scannerId("scanner-7").slideId(slideId).batchId(batchId)
                .uploadedAt(Instant.parse("2026-11-23T10:00:00Z")).build();
    }

    /** A run that found {@code rbc} red cells, {@code wbc} white cells and {@code platelets} platelets. */
    public static CellDetections detections(String imageId, String modelVersion, int rbc, int wbc, int platelets,
            Instant detectedAt) {
        List<DetectedCell> cells = new ArrayList<>();
        for (int i = 0; i < rbc; i++) {
            cells.add(new DetectedCell("RBC", 0.9, 10 * i, 10, 10 * i + 40, 50));
        }
        for (int i = 0; i < wbc; i++) {
            cells.add(new DetectedCell("WBC", 0.8, 200, 10 * i, 300, 10 * i + 100));
        }
        for (int i = 0; i < platelets; i++) {
            cells.add(new DetectedCell("Platelets", 0.7, 400, 10 * i, 420, 10 * i + 20));
        }
        return new CellDetections(imageId, "efficientdet-d0-bccd", modelVersion, 640, 480, cells,
                Map.of("RBC", rbc, "WBC", wbc, "Platelets", platelets), 42, "worker-1", detectedAt);
    }

    public static DeadLetter deadLetter(String imageId, String reason) {
        return new DeadLetter(imageId, "detect", reason, "{\"imageId\":\"" + imageId + "\"}",
                Instant.parse("2026-11-23T10:05:00Z"));
    }

    public void publish(ImageUploaded event) {
        send(Topics.IMAGES_UPLOADED, event.imageId(), toJson(event));
    }

    public void publish(ImageMembership event) {
        send(Topics.IMAGE_MEMBERSHIPS, event.imageId(), toJson(event));
    }

    public void publish(CellDetections event) {
        vouchFor(event.modelName(), event.modelVersion());
        send(Topics.CELL_DETECTIONS, event.imageId(), toJson(event));
    }

    /** The registry knows the version from now on, as when a re-processing request found it there. */
    public static void vouchFor(String model, String version) {
        if (VOUCHED.add(model + " " + version)) {
            Arc.container().instance(KnownVersions.class).get().learn(new ModelRef(model, version, "models",
                    model + "/" + version + "/model.onnx", null), KnownVersions.Source.REPROCESSING, Instant.now());
        }
    }

    /** Publishes the promotion as the trainer does: signed with the registry's key. */
    public void publish(ModelPromoted event) {
        ModelPromoted signed = PromotionSignatures.signer(LocalInfrastructureTestResource.promotionSigningKey())
                .sign(event);
        send(Topics.MODELS_PROMOTED, event.model().name(), toJson(signed));
    }

    public void publish(DeadLetter event) {
        send(Topics.DEAD_LETTERS, event.imageId(), toJson(event));
    }

    /** Sends a record as it is, readable or not. */
    public void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused a test event", e.getCause());
        }
    }

    /**
     * Waits until results-service has committed every record now on {@code topic}: after this, a
     * re-delivered event has been applied (or ignored), not merely not yet seen.
     */
    public void awaitConsumed(String topic) {
        Map<TopicPartition, Long> end = endOffsets(topic);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(RESULTS_GROUP)
                    .partitionsToOffsetAndMetadata().get();
            return end.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata offset = committed.get(e.getKey());
                return e.getValue() == 0 || offset != null && offset.offset() >= e.getValue();
            });
        });
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> end.put(partition, info.offset()));
            return end;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end of " + topic, e.getCause());
        }
    }

    private String toJson(Object event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
        admin.close();
    }
}
