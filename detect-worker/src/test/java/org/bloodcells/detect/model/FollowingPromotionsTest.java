package org.bloodcells.detect.model;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

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
import org.bloodcells.events.ModelPromoted;
import org.bloodcells.events.ModelRef;
import org.bloodcells.events.PromotionSignatures;
import org.bloodcells.events.Topics;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The follower of {@code models-promoted} (real Kafka), started before the topic is created for it: it re-reads
 * through Fault Tolerance while the topic is missing, applies the promotion published then, and stops when closed.
 * (Whether its first read comes before the topic exists is up to the race; the test does not rely on it.)
 */
class FollowingPromotionsTest {

    @Test
    void aFollowerStartedBeforeTheTopicExistsAppliesThePromotionOnceItAppearsAndStopsWhenClosed() throws Exception {
        String kafka = new LocalInfrastructureTestResource().start().get("kafka.bootstrap.servers");
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        ModelRef promoted = new ModelRef("follow-test", "6.0.0", "models", "follow-test/6.0.0/model.onnx",
                "a".repeat(64));
        List<String> applied = new CopyOnWriteArrayList<>();
        ModelPromotions promotions = new ModelPromotions(TestKafka.clientConfigAs("detect-worker"), null, null, "follow-test-worker",
                new WorkerMetrics(new SimpleMeterRegistry()), null, json,
                PromotionSignatures.verifier(LocalInfrastructureTestResource.promotionPublicKey()));
        List<String> refused = new CopyOnWriteArrayList<>();
        Thread follower = new Thread(() -> promotions.follow(p -> applied.add(p.model().version()),
                (model, why) -> refused.add(model.version() + ": " + why)), "follow-test");
        follower.start();

        try (Admin admin = Admin.create(TestKafka.clientConfig(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            try {
                try {
                    admin.createTopics(List.of(new NewTopic(Topics.MODELS_PROMOTED, 1, (short) 1)
                            .configs(Topics.MODELS_PROMOTED_CONFIG))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // a worker test of this JVM left it: the follower then reads it from the start
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(TestKafka.clientConfig(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka), new StringSerializer(), new StringSerializer())) {
                    producer.send(new ProducerRecord<>(Topics.MODELS_PROMOTED, promoted.name(), json.writeValueAsString(
                            PromotionSignatures.signer(LocalInfrastructureTestResource.promotionSigningKey()).sign(
                                    new ModelPromoted(promoted, "5.0.0", "ops-test", null, Instant.now())))))
                            .get(30, TimeUnit.SECONDS);
                }

                await().atMost(Duration.ofSeconds(60)).until(() -> applied.contains("6.0.0"));
                assertEquals(List.of(), refused, "the registry's promotion is not refused");
            } finally {
                promotions.close();
                // other tests of this JVM share the broker: they must not find this promotion
                admin.deleteTopics(List.of(Topics.MODELS_PROMOTED)).all().get(30, TimeUnit.SECONDS);
            }
        }
        follower.join(Duration.ofSeconds(30).toMillis());
        assertEquals(false, follower.isAlive(), "the follower went on after close");
    }
}
