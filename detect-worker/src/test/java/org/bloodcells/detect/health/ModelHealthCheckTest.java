package org.bloodcells.detect.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.bloodcells.detect.LocalKafkaAndS3;
import org.bloodcells.detection.SyntheticModel;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.events.Topics;
import org.bloodcells.storage.ModelObjects;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Readiness tells ops which model a replica runs and how: here a synthetic model this test wrote, so every expected
 * value is the test's own, run with one setting changed by configuration. The worker also watches the model file at
 * the configured pace and readiness follows a new version. On a topic and group of its own, so it takes no other
 * test's images.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestProfile(ModelHealthCheckTest.SyntheticModelWithOverride.class)
class ModelHealthCheckTest {

    static final Path MODEL = Path.of("target/health-test/model.onnx").toAbsolutePath();

    /** The registry's signed promotion of 7.8.0, as it went over Kafka (replayed later). */
    private static ModelPromoted promoted780;

    public static class SyntheticModelWithOverride implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            write(new SyntheticModel().metadata("model_name", "health-test-detector")
                    .metadata("model_version", "7.7.7"));
            String channel = "mp.messaging.incoming." + Topics.IMAGES_UPLOADED;
            return Map.of(
                    "bloodcells.detector.model-path", MODEL.toString(),
                    // unpinned: this test swaps model files under the watch
                    "bloodcells.detector.model-sha256", "",
                    "bloodcells.detector.test-time-flips", "2",
                    "bloodcells.detector.execution-provider", "auto",
                    "bloodcells.detector.reload-every", "0.2s",
                    channel + ".topic", Topics.IMAGES_UPLOADED + "-health",
                    channel + ".group.id", "detect-worker-health");
        }

        /** The model topics exist from the start: the worker follows promotions at once. */
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalKafkaAndS3.class, Map.of(LocalKafkaAndS3.MODEL_TOPICS, "true")));
        }
    }

    /** Publishes a model as a deployment does: written beside the file, then renamed over it. */
    static void write(SyntheticModel model) {
        try {
            Files.createDirectories(MODEL.getParent());
            Path next = model.writeTo(MODEL.resolveSibling("model.onnx.new"));
            Files.move(next, MODEL, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void readinessNamesTheModelItsVersionAndThePostProcessingItRuns() {
        // Only the model check is this test's: the Kafka channel of the test's own topic may still be joining.
        given().when().get("/q/health/ready")
                .then()
                .body("checks.find { it.name == 'model' }.status", is("UP"))
                .body("checks.find { it.name == 'model' }.data.name", is("health-test-detector"))
                .body("checks.find { it.name == 'model' }.data.version", is("7.7.7"))
                .body("checks.find { it.name == 'model' }.data.classes", is("RBC,WBC,Platelets"))
                .body("checks.find { it.name == 'model' }.data.inputSize", is(SyntheticModel.INPUT_SIZE))
                // the model carries 1 view; configuration asked for 2
                .body("checks.find { it.name == 'model' }.data.postProcessing",
                        is("score > 0.3, 2 views, box voting off, greedy NMS IoU 0.5, at most 200 detections"))
                // the profile asks for auto; this ONNX Runtime (the CPU build) offers no GPU provider
                .body("checks.find { it.name == 'model' }.data.executionProviderRequested", is("auto"))
                .body("checks.find { it.name == 'model' }.data.executionProvider", is("cpu"));
    }

    @Test
    @Order(2)
    void aNewModelFileIsPickedUpAtTheConfiguredPace() {
        write(new SyntheticModel().metadata("model_name", "health-test-detector").metadata("model_version", "7.7.10"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "7.7.10".equals(modelData().getString("version")));
    }

    /**
     * Promotions that fail their checks are refused, reported three ways, and the running model stays: a file that is
     * no model (its SHA-256 right), then a good model whose bytes are not the registry's (SHA-256 wrong).
     */
    @Test
    @Order(3)
    void aPromotedVersionThatFailsItsChecksIsRejectedReportedAndTheRunningOneStays() throws Exception {
        ModelRef notAModel = store("health-test-detector", "7.9.0", "this is not an ONNX file".getBytes(), null);
        promote(notAModel);
        await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(modelData().getString("rejected"))
                .contains("7.9.0"));

        byte[] good = Files.readAllBytes(new SyntheticModel().metadata("model_name", "health-test-detector")
                .metadata("model_version", "7.9.1").writeTo(MODEL.resolveSibling("7.9.1.onnx")));
        ModelRef tampered = store("health-test-detector", "7.9.1", good, "0".repeat(64));
        promote(tampered);
        await().atMost(Duration.ofSeconds(30)).until(() -> modelData().getString("rejected").contains("7.9.1"));
        assertTrue(modelData().getString("rejected").contains("SHA-256"), modelData().getString("rejected"));

        assertEquals("7.7.10", modelData().getString("version"), "the running model stays");
        List<JsonNode> rejections = readAll(Topics.MODELS_REJECTED);
        assertEquals(List.of("7.9.0", "7.9.1"), rejections.stream().map(r -> r.path("model").path("version").asText())
                .toList());
        assertTrue(rejections.stream().allMatch(r -> r.path("workerId").asText().equals("detect-worker-test")
                && r.path("running").asText().equals("health-test-detector 7.7.10")), rejections.toString());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("bloodcells_worker_model_rejected_total{name=\"health-test-detector\",version=\"7.9.0\"} 1.0"),
                metrics.lines().filter(l -> l.contains("rejected")).toList().toString());
    }

    /** A good promotion is fetched, checked and swapped in; from then on the registry rules, not the file. */
    @Test
    @Order(4)
    void aPromotedVersionIsFetchedCheckedAndSwappedInAndTheFileNoLongerRules() throws Exception {
        byte[] model = Files.readAllBytes(new SyntheticModel().metadata("model_name", "health-test-detector")
                .metadata("model_version", "7.8.0").writeTo(MODEL.resolveSibling("7.8.0.onnx")));
        ModelRef version = store("health-test-detector", "7.8.0", model, null);
        promoted780 = promote(version);
        await().atMost(Duration.ofSeconds(30)).until(() -> "7.8.0".equals(modelData().getString("version")));
        assertEquals(version.sha256(), modelData().getString("sha256"));
        assertTrue(modelData().getString("source").startsWith("registry models/health-test-detector/7.8.0/"),
                modelData().getString("source"));

        write(new SyntheticModel().metadata("model_name", "health-test-detector").metadata("model_version", "7.7.20"));
        Thread.sleep(2_000); // ten times reload-every
        assertEquals("7.8.0", modelData().getString("version"), "a promotion in force is not undone by the file");
    }

    /**
     * Promotions the registry did not sign, written straight to {@code models-promoted} by a producer of the test's
     * own: one unsigned, one signed with another key, each naming a good model stored in the registry's place. Both
     * are refused and reported (readiness, metric, ModelRejected), and the version in force stays.
     */
    @Test
    @Order(5)
    void aForgedPromotionIsRefusedReportedAndTheRunningVersionStays() throws Exception {
        byte[] model = Files.readAllBytes(new SyntheticModel().metadata("model_name", "health-test-detector")
                .metadata("model_version", "7.9.5").writeTo(MODEL.resolveSibling("7.9.5.onnx")));
        ModelRef unsigned = store("health-test-detector", "7.9.5", model, null);
        send(new ModelPromoted(unsigned, "7.8.0", "mallory", null, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> modelData().getString("rejected").contains("7.9.5"));
        assertTrue(modelData().getString("rejected").contains("unsigned"), modelData().getString("rejected"));

        ModelRef otherKey = store("health-test-detector", "7.9.6", model, null);
        PromotionSignatures.Signer forger =
                PromotionSignatures.signer(PromotionSignatures.encode(PromotionSignatures.generate().getPrivate()));
        send(forger.sign(new ModelPromoted(otherKey, "7.8.0", "mallory", null, Instant.now())));
        await().atMost(Duration.ofSeconds(30)).until(() -> modelData().getString("rejected").contains("7.9.6"));
        assertTrue(modelData().getString("rejected").contains("does not verify"), modelData().getString("rejected"));

        assertEquals("7.8.0", modelData().getString("version"), "the running version stays");
        List<JsonNode> rejections = readAll(Topics.MODELS_REJECTED).stream()
                .filter(r -> r.path("model").path("version").asText().startsWith("7.9.")
                        && r.path("reason").asText().startsWith("promotion refused")).toList();
        assertEquals(List.of("7.9.5", "7.9.6"), rejections.stream().map(r -> r.path("model").path("version").asText())
                .toList());
        assertTrue(rejections.stream().allMatch(r -> r.path("running").asText().equals("health-test-detector 7.8.0")),
                rejections.toString());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("bloodcells_worker_model_rejected_total{name=\"health-test-detector\",version=\"7.9.6\"} 1.0"),
                metrics.lines().filter(l -> l.contains("rejected")).toList().toString());
    }

    /**
     * The registry's own signed promotion of 7.8.0, sent again after a later one, would roll the fleet back: it is
     * refused as a replay and reported, and the version in force stays. The record in force read again is no replay,
     * and a new promotion of 7.8.0 (a rollback the registry's way) is applied.
     */
    @Test
    @Order(6)
    void aReplayedOldSignedPromotionIsRefusedButARollbackByANewPromotionIsApplied() throws Exception {
        byte[] model = Files.readAllBytes(new SyntheticModel().metadata("model_name", "health-test-detector")
                .metadata("model_version", "7.8.1").writeTo(MODEL.resolveSibling("7.8.1.onnx")));
        ModelPromoted latest = promote(store("health-test-detector", "7.8.1", model, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> "7.8.1".equals(modelData().getString("version")));

        send(promoted780);
        await().atMost(Duration.ofSeconds(30)).until(() -> modelData().getString("rejected").contains("7.8.0"));
        assertTrue(modelData().getString("rejected").contains("replayed"), modelData().getString("rejected"));
        assertEquals("7.8.1", modelData().getString("version"), "the version in force stays");

        send(latest); // the record in force, read again: nothing to refuse
        promote(promoted780.model()); // rolling back: a new promotion of the earlier version
        await().atMost(Duration.ofSeconds(30)).until(() -> "7.8.0".equals(modelData().getString("version")));
        List<JsonNode> refused = readAll(Topics.MODELS_REJECTED).stream()
                .filter(r -> r.path("model").path("version").asText().startsWith("7.8.")).toList();
        assertEquals(List.of("7.8.0"), refused.stream().map(r -> r.path("model").path("version").asText()).toList(),
                refused.toString());
        assertTrue(refused.get(0).path("reason").asText().startsWith("promotion refused: replayed"), refused.toString());
        assertTrue(refused.get(0).path("running").asText().equals("health-test-detector 7.8.1"), refused.toString());
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("bloodcells_worker_model_rejected_total{name=\"health-test-detector\",version=\"7.8.0\"} 1.0"),
                metrics.lines().filter(l -> l.contains("rejected")).toList().toString());
    }

    /** Other test classes' workers must not find these promotions. */
    @AfterAll
    static void deleteModelTopics() throws Exception {
        try (Admin admin = Admin.create(TestKafka.clientConfig(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers")))) {
            admin.deleteTopics(List.of(Topics.MODELS_PROMOTED, Topics.MODELS_REJECTED)).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Stores a version's file in the models bucket as the trainer does; the ref carries {@code sha} or the real one. */
    private static ModelRef store(String name, String version, byte[] bytes, String sha) throws Exception {
        MinioClient minio = MinioClient.builder().endpoint(config("bloodcells.storage.endpoint"))
                .credentials(config("bloodcells.storage.access-key"), config("bloodcells.storage.secret-key")).build();
        ModelObjects files = new ModelObjects(minio, "models");
        files.ensureBucket();
        Path file = Files.createTempFile("model", ".onnx");
        Files.write(file, bytes);
        String key = files.put(name, version, ModelObjects.MODEL_FILE, file, "application/octet-stream");
        String actual = ModelObjects.sha256(file);
        Files.delete(file);
        return new ModelRef(name, version, "models", key, sha != null ? sha : actual);
    }

    /** Promotes the version as the trainer does: signed with the registry's key; returns the record sent. */
    private static ModelPromoted promote(ModelRef model) throws Exception {
        ModelPromoted signed = PromotionSignatures.signer(LocalInfrastructureTestResource.promotionSigningKey())
                .sign(new ModelPromoted(model, null, "ops-test", null, Instant.now()));
        send(signed);
        return signed;
    }

    private static void send(ModelPromoted promotion) throws Exception {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(TestKafka.clientConfig(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers")),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODELS_PROMOTED, promotion.model().name(),
                    json.writeValueAsString(promotion))).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<JsonNode> readAll(String topic) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(TestKafka.clientConfig(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers")),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    records.add(json.readTree(record.value()));
                }
            }
        }
        return records;
    }

    private static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    private static JsonPath modelData() {
        return given().when().get("/q/health/ready").then().extract().jsonPath()
                .setRootPath("checks.find { it.name == 'model' }.data");
    }
}
