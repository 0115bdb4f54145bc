package org.bloodcells.trainer.registry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.storage.ModelObjects;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.bloodcells.testsupport.BackgroundInstall;
import org.bloodcells.trainer.python.PythonTrainer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The trainer service on real Kafka, PostgreSQL and S3: the released model imported as the promoted version (its
 * file in the models bucket, its promotion on Kafka), the registry's answers, and training runs' rules.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfrastructureTestResource.class, restrictToAnnotatedClass = false)
class ModelRegistryTest {

    private static final Path RELEASED = Path.of("../models/efficientdet-d0-bccd.onnx");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ModelInfo released;
    private static String releasedSha;

    @BeforeAll
    static void readReleasedModel() throws Exception {
        try (CellDetector detector = CellDetector.load(RELEASED, 1)) {
            released = detector.model();
        }
        releasedSha = ModelObjects.sha256(RELEASED);
    }

    @Test
    void theReleasedModelIsImportedAsThePromotedVersionWithItsFileInTheModelsBucket() throws Exception {
        String base = "find { it.name == '" + released.name() + "' && it.version == '" + released.version() + "' }";
        String key = given().when().get("/models").then().statusCode(200)
                .body(base + ".status", equalTo("PROMOTED"))
                .body(base + ".sha256", equalTo(releasedSha))
                .body(base + ".sizeBytes", equalTo((int) Files.size(RELEASED)))
                .body(base + ".classes", equalTo(released.classes()))
                .body(base + ".origin", equalTo("released models/efficientdet-d0-bccd.onnx"))
                .extract().path(base + ".objectKey");

        MinioClient s3 = MinioClient.builder().endpoint(config("bloodcells.storage.endpoint"))
                .credentials(config("bloodcells.storage.access-key"), config("bloodcells.storage.secret-key")).build();
        Path copy = Files.createTempFile("registry", ".onnx");
        try (var in = s3.getObject(GetObjectArgs.builder().bucket("models").object(key).build())) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(releasedSha, ModelObjects.sha256(copy), "the bucket holds the released file");
        Files.delete(copy);

        given().when().get("/models/" + released.name() + "/" + released.version() + "/history").then().statusCode(200)
                .body("[0].to", equalTo("PROMOTED")).body("[0].by", equalTo("release import"));

        JsonNode promotion = lastPromotion();
        assertEquals(released.version(), promotion.path("model").path("version").asText());
        assertEquals(releasedSha, promotion.path("model").path("sha256").asText());
        assertEquals(key, promotion.path("model").path("objectKey").asText());
        // signed with the registry's key: what the workers and results-service hold verifies it
        ModelPromoted read = JSON.copy().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .treeToValue(promotion, ModelPromoted.class);
        assertEquals(java.util.Optional.empty(), PromotionSignatures.verifier(config("bloodcells.promotion.public-key"))
                .problem(read));
    }

    @Test
    void promotingThePromotedVersionAgainChangesNothing() {
        given().contentType(ContentType.JSON).body(Map.of("by", "ops-test"))
                .when().post("/models/" + released.name() + "/" + released.version() + "/promote")
                .then().statusCode(200).body("alreadyPromoted", is(true)).body("promoted.status", equalTo("PROMOTED"));
    }

    @Test
    void anUnknownVersionIsNotFoundAndAnOverrideNeedsAReason() {
        given().when().get("/models/" + released.name() + "/9.9.9").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("by", "ops-test", "override", true))
                .when().post("/models/" + released.name() + "/" + released.version() + "-none/promote")
                .then().statusCode(404);
    }

    @Test
    void aTrainingRequestThatCannotRunIsRefusedWithItsProblems() {
        given().contentType(ContentType.JSON).body(Map.of("dataset", "../etc", "epochs", 1, "minutes", 2))
                .when().post("/training-runs").then().statusCode(400)
                .body("detail", containsString("dataset")).body("detail", containsString("either epochs or minutes"));
        given().contentType(ContentType.JSON).body(Map.of("dataset", "no-such-dataset", "epochs", 1))
                .when().post("/training-runs").then().statusCode(400)
                .body("detail", containsString("no PASCAL VOC dataset 'no-such-dataset'"));
    }

    /** A replica runs one training at a time, and a run is stopped by cancelling it. */
    @Test
    void aRunningTrainingIsTheReplicasOnlyOneAndCanBeCancelled() {
        BackgroundInstall.assumeSucceeded();
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TRAINER_PYTHON") != null
                || PythonTrainer.find(Path.of("python")).isPresent(), "no python3 with torch here");
        Map<String, Object> request = Map.of("dataset", "bccd", "epochs", 50, "imageLimit", 4, "batchSize", 2,
                "crop", 256, "seed", 3, "startedBy", "ops-test");
        int id = given().contentType(ContentType.JSON).body(request).when().post("/training-runs")
                .then().statusCode(202).body("status", equalTo("RUNNING")).extract().path("id");
        given().contentType(ContentType.JSON).body(request).when().post("/training-runs")
                .then().statusCode(409).body("detail", containsString("training run " + id + " is running"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/training-runs/" + id)
                .then().body("progress.phase", equalTo("training")));
        given().when().post("/training-runs/" + id + "/cancel").then().statusCode(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/training-runs/" + id)
                .then().body("status", equalTo("CANCELLED")));
        given().when().get("/training-runs/" + id + "/log").then().statusCode(200)
                .body(containsString("efficientdet.train")).body(containsString("cancelled"));
        given().when().post("/training-runs/" + id + "/cancel").then().statusCode(409)
                .body("detail", containsString("CANCELLED"));
    }

    private static JsonNode lastPromotion() throws Exception {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(TestKafka.clientConfig(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers")),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.MODELS_PROMOTED, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            assertTrue(end > 0, "nothing published on " + Topics.MODELS_PROMOTED);
            String last = null;
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    last = record.value();
                }
            }
            return JSON.readTree(last);
        }
    }

    private static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }
}
