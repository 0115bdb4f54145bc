package org.bloodcells.results.messaging;

import static io.restassured.RestAssured.when;
import static org.awaitility.Awaitility.await;
import static org.bloodcells.results.support.PipelineEvents.detections;
import static org.bloodcells.results.support.PipelineEvents.newImageId;
import static org.bloodcells.results.support.PipelineEvents.uploaded;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.results.support.PipelineEvents;
import org.bloodcells.testsupport.TestKafka;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Records written straight to Kafka by a producer of the test's own, as anyone on the broker's network could: a
 * promotion nobody signed, one signed with another key, and detections naming a version the registry never knew,
 * with a later time. None changes a count or the version in force; each is parked with its reason and counted. So is
 * an old promotion the registry did sign, sent again after a later one (a replay).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class ForgedRecordsTest {

    private static final Instant T1 = Instant.parse("2026-12-01T09:00:00Z");
    private static final String PARKED = "bloodcells_results_parked_total{topic=\"%s\"}";

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafkaBootstrapServers;

    private PipelineEvents events;
    private final String model = "forgery-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final String slide = "slide-" + UUID.randomUUID();
    private final String batch = "batch-" + UUID.randomUUID();

    @BeforeEach
    void connect() {
        events = new PipelineEvents(kafkaBootstrapServers, json);
    }

    @AfterEach
    void disconnect() {
        events.close();
    }

    @Test
    void forgedPromotionsAndDetectionsOfAnUnknownVersionChangeNothingAndAreParkedWithTheirReasons() throws Exception {
        String image = newImageId();
        events.publish(uploaded(image, slide, batch));
        events.publish(new ModelPromoted(ref("1.0.0"), null, "olga", null, T1));
        events.publish(run(image, "1.0.0", 5, T1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/batches/{batch}", batch).then()
                .statusCode(200).body("counts.RBC", equalTo(5))
                .body("promoted.find { it.name == '" + model + "' }.version", equalTo("1.0.0")));
        events.awaitConsumed(Topics.MODELS_PROMOTED);
        events.awaitConsumed(Topics.CELL_DETECTIONS);
        double promotionsParked = metric(PARKED.formatted(Topics.MODELS_PROMOTED));
        double detectionsParked = metric(PARKED.formatted(Topics.CELL_DETECTIONS));
        long deadLettersBefore = deadLetters().size();

        PromotionSignatures.Signer otherKey =
                PromotionSignatures.signer(PromotionSignatures.encode(PromotionSignatures.generate().getPrivate()));
        // The forgers hold the Kafka logins that may write these topics (the trainer's, a worker's): the broker's ACLs
        // let them through, so only the registry's signature and its known versions stand in the way.
        try (KafkaProducer<String, String> forger = new KafkaProducer<>(TestKafka.clientConfigAs("trainer",
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            forger.send(new ProducerRecord<>(Topics.MODELS_PROMOTED, model, json.writeValueAsString(
                    new ModelPromoted(ref("6.6.6"), "1.0.0", "mallory", null, T1.plusSeconds(60))))).get();
            forger.send(new ProducerRecord<>(Topics.MODELS_PROMOTED, model, json.writeValueAsString(otherKey.sign(
                    new ModelPromoted(ref("6.6.7"), "1.0.0", "mallory", null, T1.plusSeconds(120)))))).get();
        }
        try (KafkaProducer<String, String> forger = new KafkaProducer<>(TestKafka.clientConfigAs("detect-worker",
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            forger.send(new ProducerRecord<>(Topics.CELL_DETECTIONS, image, json.writeValueAsString(
                    run(image, "6.6.8", 99, T1.plusSeconds(3600))))).get();
        }
        events.awaitConsumed(Topics.MODELS_PROMOTED);
        events.awaitConsumed(Topics.CELL_DETECTIONS);

        when().get("/batches/{batch}", batch).then().statusCode(200).body("counts.RBC", equalTo(5))
                .body("promoted.find { it.name == '" + model + "' }.version", equalTo("1.0.0"));
        when().get("/images/{id}", image).then().statusCode(200).body("status", equalTo("DONE"))
                .body("detection.modelVersion", equalTo("1.0.0")).body("detection.counts.RBC", equalTo(5));
        assertEquals(promotionsParked + 2, metric(PARKED.formatted(Topics.MODELS_PROMOTED)));
        assertEquals(detectionsParked + 1, metric(PARKED.formatted(Topics.CELL_DETECTIONS)));
        List<String> reasons = deadLetters().stream().skip(deadLettersBefore).map(d -> d.path("reason").asText())
                .filter(r -> r.contains(model)).toList();
        assertEquals(1, reasons.stream().filter(r -> r.contains("unsigned")).count(), reasons.toString());
        assertEquals(1, reasons.stream().filter(r -> r.contains("does not verify")).count(), reasons.toString());
        assertEquals(1, reasons.stream().filter(r -> r.contains(model + " 6.6.8 is not a version the registry vouched"))
                .count(), reasons.toString());
    }

    /**
     * A signed promotion older than the one in force, sent again, would roll the version back: it is parked as a replay
     * and counted, and the version in force stays. The record in force delivered again is no replay (nothing parked),
     * and rolling back the registry's way, a new promotion of the earlier version, still works.
     */
    @Test
    void aReplayedOldSignedPromotionIsParkedAndAReDeliveryOrANewRollbackIsNot() throws Exception {
        // a batch counted by the model, whose versions in force /batches then names
        String image = newImageId();
        events.publish(uploaded(image, slide, batch));
        events.publish(run(image, "1.0.0", 5, T1));
        ModelPromoted first = new ModelPromoted(ref("1.0.0"), null, "olga", null, T1);
        ModelPromoted second = new ModelPromoted(ref("2.0.0"), "1.0.0", "olga", null, T1.plusSeconds(3600));
        events.publish(first);
        events.publish(second);
        events.awaitConsumed(Topics.MODELS_PROMOTED);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/batches/{batch}", batch).then()
                .statusCode(200).body("promoted.find { it.name == '" + model + "' }.version", equalTo("2.0.0")));
        double parkedBefore = metric(PARKED.formatted(Topics.MODELS_PROMOTED));
        long deadLettersBefore = deadLetters().size();

        events.publish(first); // the registry's own signature, replayed
        events.publish(second); // the record in force, delivered again
        events.awaitConsumed(Topics.MODELS_PROMOTED);
        when().get("/batches/{batch}", batch).then().statusCode(200)
                .body("promoted.find { it.name == '" + model + "' }.version", equalTo("2.0.0"));
        assertEquals(parkedBefore + 1, metric(PARKED.formatted(Topics.MODELS_PROMOTED)));
        List<String> reasons = deadLetters().stream().skip(deadLettersBefore).map(d -> d.path("reason").asText())
                .filter(r -> r.contains(model)).toList();
        assertEquals(1, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("a replayed promotion of " + model + " 1.0.0")
                && reasons.get(0).contains("not after the one in force (2.0.0"), reasons.toString());

        events.publish(new ModelPromoted(ref("1.0.0"), "2.0.0", "olga", "rolled back", T1.plusSeconds(7200)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/batches/{batch}", batch).then()
                .statusCode(200).body("promoted.find { it.name == '" + model + "' }.version", equalTo("1.0.0")));
        assertEquals(parkedBefore + 1, metric(PARKED.formatted(Topics.MODELS_PROMOTED)));
    }

    /**
     * A worker may run a release before the registry's first promotion of it reaches results-service (the local run
     * starts the trainer beside the workers): its runs wait, held, and count once the signed promotion arrives.
     */
    @Test
    void aRunArrivingBeforeTheSignedPromotionOfItsVersionIsHeldThenCounted() {
        String image = newImageId();
        events.publish(uploaded(image, slide, batch));
        // straight to the topic: PipelineEvents would vouch for the version first
        events.send(Topics.CELL_DETECTIONS, image, toJson(run(image, "2.0.0", 7, T1)));
        events.awaitConsumed(Topics.CELL_DETECTIONS);
        when().get("/images/{id}", image).then().statusCode(200).body("status", equalTo("PENDING"));

        events.publish(new ModelPromoted(ref("2.0.0"), null, "olga", null, T1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> when().get("/images/{id}", image).then()
                .statusCode(200).body("status", equalTo("DONE")).body("detection.modelVersion", equalTo("2.0.0"))
                .body("detection.counts.RBC", equalTo(7)));
    }

    private ModelRef ref(String version) {
        return new ModelRef(model, version, "models", model + "/" + version + "/model.onnx", "ab".repeat(32));
    }

    private CellDetections run(String image, String version, int rbc, Instant at) {
        CellDetections plain = detections(image, version, rbc, 0, 0, at);
        return new CellDetections(image, model, version, plain.imageWidth(), plain.imageHeight(), plain.cells(),
                plain.counts(), plain.inferenceMillis(), plain.workerId(), at);
    }

    private String toJson(Object event) {
        try {
            return json.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<JsonNode> deadLetters() throws Exception {
        List<JsonNode> letters = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(TestKafka.clientConfig(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    letters.add(json.readTree(record.value()));
                }
            }
        }
        return letters;
    }

    private static double metric(String series) {
        return when().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(
                        series.length() + 1).trim())).findFirst().orElse(0);
    }
}
