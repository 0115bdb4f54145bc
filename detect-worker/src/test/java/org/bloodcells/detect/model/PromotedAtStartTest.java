package org.bloodcells.detect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.detection.ExecutionProvider;
import org.bloodcells.detection.SessionSettings;
import org.bloodcells.detection.SyntheticModel;
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.storage.ModelObjects;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.MinioClient;

/**
 * A worker that starts after a promotion runs the promoted version, not the model file of its image: it asks
 * {@code models-promoted} (real Kafka) for the version in force and fetches it from the models bucket (real S3)
 * before it takes any image.
 */
class PromotedAtStartTest {

    @Test
    void aWorkerStartedAfterAPromotionRunsThePromotedVersionNotItsModelFile(@TempDir Path dir) throws Exception {
        Map<String, String> infra = new LocalInfrastructureTestResource().start();
        String kafka = infra.get("kafka.bootstrap.servers");
        ModelObjects files = new ModelObjects(MinioClient.builder().endpoint(infra.get("bloodcells.storage.endpoint"))
                .credentials(infra.get("bloodcells.storage.access-key"), infra.get("bloodcells.storage.secret-key"))
                .build(), "models");
        files.ensureBucket();
        Path promotedFile = new SyntheticModel().metadata("model_name", "start-test").metadata("model_version", "5.5.5")
                .writeTo(dir.resolve("promoted.onnx"));
        ModelRef promoted = new ModelRef("start-test", "5.5.5", "models",
                files.put("start-test", "5.5.5", ModelObjects.MODEL_FILE, promotedFile, "application/octet-stream"),
                ModelObjects.sha256(promotedFile));
        Path baked = new SyntheticModel().metadata("model_name", "start-test").metadata("model_version", "5.0.0")
                .writeTo(dir.resolve("baked.onnx"));
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

        try (Admin admin = Admin.create(TestKafka.clientConfig(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            try {
                admin.createTopics(List.of(new NewTopic(Topics.MODELS_PROMOTED, 1, (short) 1)
                        .configs(Topics.MODELS_PROMOTED_CONFIG))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // the test infrastructure creates the platform's topics: this test's promotion is the topic's last
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            try {
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(TestKafka.clientConfig(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka), new StringSerializer(), new StringSerializer())) {
                    producer.send(new ProducerRecord<>(Topics.MODELS_PROMOTED, promoted.name(), json.writeValueAsString(
                            PromotionSignatures.signer(LocalInfrastructureTestResource.promotionSigningKey()).sign(
                                    new ModelPromoted(promoted, "5.0.0", "ops-test", null, Instant.now())))))
                            .get(30, TimeUnit.SECONDS);
                }
                List<String> loaded = new CopyOnWriteArrayList<>();
                // no ModelRejected channel: a rejection here would fail the test with a NullPointerException
                ModelPromotions promotions = new ModelPromotions(TestKafka.clientConfigAs("detect-worker"), files, dir.resolve("cache"), "start-test-worker",
                        new WorkerMetrics(new SimpleMeterRegistry()), null, json,
                        PromotionSignatures.verifier(LocalInfrastructureTestResource.promotionPublicKey()));
                DetectionModel model = new DetectionModel(baked, new SessionSettings(1, ExecutionProvider.CPU),
                        UnaryOperator.identity(), d -> loaded.add(d.model().version()), promotions, Duration.ofSeconds(20));
                try {
                    assertEquals("5.5.5", model.info().version());
                    assertEquals(promoted.sha256(), model.running().sha256());
                    assertTrue(model.running().source().startsWith("registry models/start-test/5.5.5/"),
                            model.running().source());
                    assertEquals(List.of("5.0.0", "5.5.5"), loaded, "the file first, then the promoted version");
                    assertEquals(false, model.reloadIfChanged(), "the file watch stands down once a promotion rules");
                } finally {
                    model.close();
                    promotions.close();
                }
            } finally {
                // other tests of this JVM share the broker: they must not find this promotion
                admin.deleteTopics(List.of(Topics.MODELS_PROMOTED)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
