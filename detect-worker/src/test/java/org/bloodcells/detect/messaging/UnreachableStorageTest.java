package org.bloodcells.detect.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.bloodcells.detect.StoredImages.bccd;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.detect.LocalKafkaAndS3;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Topics;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Object storage down is not the image's fault: the worker retries within the batch's fetch
 * budget, then fails the batch without dead-lettering it or committing its offset, so it is
 * redelivered once the worker is restarted. Runs on a topic and group of its own, so the failed
 * channel stops nobody else; its short record age makes the fetch budget a few seconds.
 */
@QuarkusTest
@TestProfile(UnreachableStorageTest.UnreachableStorage.class)
class UnreachableStorageTest {

    static final String TOPIC = Topics.IMAGES_UPLOADED + "-storage-down";
    static final String GROUP = "detect-worker-storage-down";

    public static class UnreachableStorage implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            String channel = "mp.messaging.incoming." + Topics.IMAGES_UPLOADED;
            // connect 1 s + read 1 s + 30 s detection + 2 s publish leave 6 s of fetch budget within 40 s
            return Map.of(
                    channel + ".topic", TOPIC,
                    channel + ".group.id", GROUP,
                    channel + ".throttled.unprocessed-record-max-age.ms", "40000",
                    "bloodcells.storage.connect-timeout", "1s",
                    "bloodcells.storage.timeout", "1s",
                    "bloodcells.worker.publish-timeout", "2s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalKafkaAndS3.class,
                    Map.of(LocalKafkaAndS3.STORAGE, LocalKafkaAndS3.UNREACHABLE,
                            LocalKafkaAndS3.OWN_TOPIC, TOPIC + "," + GROUP)));
        }
    }

    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void imageIsNeitherDeadLetteredNorCommittedWhileStorageIsDown() throws Exception {
        byte[] bytes = bccd("BloodImage_00011.jpg");
        String imageId = ImageId.of(bytes);
        ImageUploaded event = ImageUploaded.builder().imageId(imageId).bucket("images").objectKey(imageId)
                .contentType("image/jpeg").sizeBytes(bytes.length).scannerId("scanner-test").slideId("slide-test")
                .batchId("batch-test").uploadedAt(Instant.now()).build();
        RecordMetadata sent;
        try (var producer = new KafkaProducer<>(TestKafka.clientConfig(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new StringSerializer())) {
            sent = producer.send(new ProducerRecord<>(TOPIC, imageId, json.writeValueAsString(event))).get();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/live")
                .then().statusCode(503).body(containsString("Object storage unavailable")));

        try (var deadLetters = new TopicRecorder<>(bootstrapServers, Topics.DEAD_LETTERS, DeadLetter.class, json)) {
            assertTrue(deadLetters.readToEnd().stream().noneMatch(letter -> imageId.equals(letter.imageId())),
                    "an image that could not be read for now must not be dead-lettered");
        }
        try (Admin admin = Admin.create(TestKafka.clientConfig(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(TOPIC, sent.partition()));
            assertTrue(committed == null || committed.offset() <= sent.offset(),
                    "offset committed past the failed image: " + committed);
        }
    }

    @Test
    void readinessReportsObjectStorageDownWithTheReason() {
        given().get("/q/health/ready")
                .then().statusCode(503)
                .body("checks.find { it.name == 'object-storage' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'object-storage' }.data.error", containsString("ConnectException"));
    }
}
