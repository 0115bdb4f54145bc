package org.bloodcells.detect.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.bloodcells.detect.LocalKafkaAndS3;
import org.bloodcells.detection.SyntheticModel;
import org.bloodcells.events.Topics;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.WithTestResource;
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
@WithTestResource(LocalKafkaAndS3.class)
class ModelHealthCheckTest {

    static final Path MODEL = Path.of("target/health-test/model.onnx").toAbsolutePath();

    public static class SyntheticModelWithOverride implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            write(new SyntheticModel().metadata("model_name", "health-test-detector")
                    .metadata("model_version", "7.7.7"));
            String channel = "mp.messaging.incoming." + Topics.IMAGES_UPLOADED;
            return Map.of(
                    "bloodcells.detector.model-path", MODEL.toString(),
                    "bloodcells.detector.test-time-flips", "2",
                    "bloodcells.detector.execution-provider", "auto",
                    "bloodcells.detector.reload-every", "0.2s",
                    channel + ".topic", Topics.IMAGES_UPLOADED + "-health",
                    channel + ".group.id", "detect-worker-health");
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

    private static JsonPath modelData() {
        return given().when().get("/q/health/ready").then().extract().jsonPath()
                .setRootPath("checks.find { it.name == 'model' }.data");
    }
}
