package org.bloodcells.detect.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.bloodcells.detect.StoredImages.bccd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.bloodcells.testsupport.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bloodcells.detect.LocalKafkaAndS3;
import org.bloodcells.detect.StoredImages;
import org.bloodcells.detect.model.DetectionModel;
import org.bloodcells.detect.service.ModelLease;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Scale;
import org.bloodcells.detection.ImageScale;
import org.bloodcells.images.BccdImages;
import org.bloodcells.images.ImageDecoder;
import org.bloodcells.images.ImageLimits;
import org.bloodcells.events.Topics;
import org.bloodcells.storage.StorageConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.MinioClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The worker as deployed, between a real Kafka broker, a real S3 server and the real model:
 * events go in through a plain producer, results are read back from their topics.
 */
@QuarkusTest
@WithTestResource(LocalKafkaAndS3.class)
class DetectionPipelineTest {

    private static final Duration PROCESSED_WITHIN = Duration.ofSeconds(90);

    @Inject
    MinioClient minio;
    @Inject
    ObjectMapper json;
    @Inject
    DetectionModel model;
    @Inject
    StorageConfig storage;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private StoredImages images;
    private KafkaProducer<String, String> producer;
    private TopicRecorder<CellDetections> detections;
    private TopicRecorder<DeadLetter> deadLetters;

    @BeforeEach
    void connect() {
        images = new StoredImages(minio, storage.bucket());
        producer = new KafkaProducer<>(TestKafka.clientConfig(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new StringSerializer());
        detections = new TopicRecorder<>(bootstrapServers, Topics.CELL_DETECTIONS, CellDetections.class, json);
        deadLetters = new TopicRecorder<>(bootstrapServers, Topics.DEAD_LETTERS, DeadLetter.class, json);
    }

    @AfterEach
    void disconnect() {
        producer.close();
        detections.close();
        deadLetters.close();
    }

    @Test
    void uploadedImageIsPublishedWithTheCountsTheDetectorFinds() throws Exception {
        byte[] bytes = bccd("BloodImage_00007.jpg");
        ImageUploaded event = images.put(bytes, "image/jpeg");

        CellDetections published = publishAndAwait(event);
        DetectionResult direct = detectDirectly(bytes, ImageScale.unknown());
        assertEquals(direct.counts(), published.counts());
        assertEquals(direct.detections().stream()
                .map(d -> new DetectedCell(d.cellClass(), d.score(), d.x1(), d.y1(), d.x2(), d.y2()))
                .toList(), published.cells());
        assertEquals(model.info().name(), published.modelName());
        assertEquals(model.info().version(), published.modelVersion());
        assertEquals(640, published.imageWidth());
        assertEquals(480, published.imageHeight());
        assertEquals("detect-worker-test", published.workerId());
        ImageScale used = direct.scale().scale();
        assertEquals(new Scale(used.known() ? used.micronsPerPixel() : null, used.source().name()), published.scale());
        assertEquals(direct.scale().tiles(), published.tiles());
        assertEquals(direct.outOfDistribution(), published.outOfDistribution());
        assertEquals(Double.valueOf(direct.doubt()), published.doubt(), "the doubt travels with the counts");
        // The thresholds travel with the boxes, and say which of them the counts are made of.
        java.util.Map<String, Integer> counted = new java.util.HashMap<>();
        published.counts().keySet().forEach(c -> counted.put(c, 0));
        published.cells().stream().filter(c -> published.thresholds().counts(c.cellClass(), c.score()))
                .forEach(c -> counted.merge(c.cellClass(), 1, Integer::sum));
        assertEquals(published.counts(), counted);
        assertEquals(model.running().settings().describe(), published.thresholds().postProcessing());
    }

    @Test
    void aDeclaredScaleReachesTheDetectorAndTravelsWithTheDetections() throws Exception {
        byte[] bytes = BccdImages.uniqueVariant("BloodImage_00011");
        ImageUploaded stored = images.put(bytes, "image/jpeg");
        ImageUploaded event = declaredAt(stored, new Scale(0.036, "DECLARED"));
        CellDetections published = publishAndAwait(event);
        // half BCCD's microns per pixel: the worker runs the image at half the whole-image fit
        DetectionResult direct = detectDirectly(bytes, new ImageScale(0.036, ImageScale.Source.DECLARED));
        assertEquals(0.45, direct.scale().inputPixelsPerImagePixel(), 0.01);
        assertEquals(new Scale(0.036, "DECLARED"), published.scale());
        assertEquals(direct.counts(), published.counts());
        assertEquals(direct.detections().size(), published.cells().size());
    }

    @Test
    void anEventWithAnImpossibleScaleIsDeadLetteredWithItsReason() throws Exception {
        // bytes of its own: other tests check that BloodImage_00011 itself is never dead-lettered
        ImageUploaded stored = images.put(BccdImages.uniqueVariant("BloodImage_00011"), "image/jpeg");
        String event = json.writeValueAsString(declaredAt(stored, new Scale(-1.0, "DECLARED")));
        publish(stored.imageId(), event);

        DeadLetter letter = awaitRecord(deadLetters, l -> event.equals(l.payload()));
        assertEquals("Event breaks the ImageUploaded contract: scale: microns per pixel must be a positive number,"
                + " was -1.0", letter.reason());
    }

    @Test
    void nonImageObjectIsDeadLetteredAndTheNextImageIsStillDetected() throws Exception {
        ImageUploaded notAnImage = images.put(("not an image " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8),
                "image/jpeg");
        ImageUploaded image = images.put(bccd("BloodImage_00011.jpg"), "image/jpeg");
        Instant sent = Instant.now();

        publish(notAnImage.imageId(), json.writeValueAsString(notAnImage));
        publish(image.imageId(), json.writeValueAsString(image));

        DeadLetter letter = awaitRecord(deadLetters, l -> notAnImage.imageId().equals(l.imageId()));
        assertEquals("detect", letter.stage());
        assertTrue(letter.reason().startsWith("Unusable image (NOT_AN_IMAGE): not an image in a known format"), letter.reason());
        assertEquals(notAnImage, json.readValue(letter.payload(), ImageUploaded.class));
        CellDetections next = awaitRecord(detections,
                d -> d.imageId().equals(image.imageId()) && !d.detectedAt().isBefore(sent));
        assertFalse(next.detectedAt().isBefore(letter.failedAt()), "the good image was handled after the bad one");
    }

    /** What ops scale and alert on, in Prometheus format: counts, stage times, model and provider, consumer lag. */
    @Test
    void metricsTellOpsWhatTheWorkerDidWithWhichModelAndHowFarBehindItIs() throws Exception {
        ImageUploaded event = images.put(bccd("BloodImage_00011.jpg"), "image/jpeg");
        Instant sent = Instant.now();
        publish(event.imageId(), json.writeValueAsString(event));
        awaitRecord(detections, d -> d.imageId().equals(event.imageId()) && !d.detectedAt().isBefore(sent));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("bloodcells_worker_images_total{outcome=\"detected\"}"), metrics);
            assertTrue(metrics.contains("bloodcells_worker_images_total{outcome=\"dead_lettered\"}"), metrics);
            assertTrue(metrics.contains("bloodcells_worker_scale_total{source="), metrics);
            assertTrue(metrics.contains("bloodcells_worker_out_of_distribution_total"), metrics);
            for (String stage : List.of("fetch", "decode", "prepare", "inference", "postprocess", "publish")) {
                assertTrue(metrics.contains("bloodcells_worker_stage_seconds_count{stage=\"" + stage + "\"}"),
                        stage);
                // the CPU the worker's own threads spent, beside the wall time; the model's run is ONNX Runtime's
                assertTrue(metrics.contains("bloodcells_worker_stage_cpu_seconds_count{stage=\"" + stage + "\"}")
                        == !stage.equals("inference"), stage);
            }
            assertTrue(metrics.contains("bloodcells_worker_batch_records_count"), metrics);
            assertTrue(metrics.contains("bloodcells_worker_inference_batch_images_count"), metrics);
            assertTrue(metrics.contains("bloodcells_worker_model{name=\"efficientdet-d0-bccd\",provider=\"cpu\","
                    + "version=\"" + model.info().version() + "\"} 1.0"), metrics);
            // the Kafka client's own metric; the connector names the client after its channel
            assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"kafka-consumer-"
                    + Topics.IMAGES_UPLOADED + "\""), "no consumer lag of " + Topics.IMAGES_UPLOADED);
        });
    }

    @Test
    void malformedEventIsDeadLetteredAndTheWorkerCarriesOn() throws Exception {
        String malformed = "{\"imageId\": \"" + UUID.randomUUID() + "\", this is not JSON";
        ImageUploaded image = images.put(bccd("BloodImage_00007.jpg"), "image/jpeg");
        Instant sent = Instant.now();

        publish(null, malformed);
        publish(image.imageId(), json.writeValueAsString(image));

        DeadLetter letter = awaitRecord(deadLetters, l -> malformed.equals(l.payload()));
        assertNull(letter.imageId());
        assertTrue(letter.reason().contains("not a valid ImageUploaded JSON"), letter.reason());
        CellDetections next = awaitRecord(detections,
                d -> d.imageId().equals(image.imageId()) && !d.detectedAt().isBefore(sent));
        assertFalse(next.detectedAt().isBefore(letter.failedAt()), "the next event was handled after the bad one");
    }

    @Test
    void eventForMissingObjectIsDeadLettered() throws Exception {
        String imageId = ImageId.of(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        ImageUploaded event = ImageUploaded.builder().imageId(imageId).bucket(storage.bucket()).objectKey(imageId)
                .contentType("image/jpeg").sizeBytes(1234).scannerId("scanner-test").slideId("slide-test")
                .batchId("batch-test").uploadedAt(Instant.now()).build();

        publish(imageId, json.writeValueAsString(event));

        DeadLetter letter = awaitRecord(deadLetters, l -> imageId.equals(l.imageId()));
        assertTrue(letter.reason().contains("does not exist"), letter.reason());
    }

    /** Publishes the event and waits for the detections the worker publishes for it. */
    /** The stored image's announcement with a scale declared at upload. */
    private static ImageUploaded declaredAt(ImageUploaded stored, Scale scale) {
        return ImageUploaded.builder().imageId(stored.imageId()).bucket(stored.bucket()).objectKey(stored.objectKey())
                .contentType(stored.contentType()).sizeBytes(stored.sizeBytes()).scannerId(stored.scannerId())
                .slideId(stored.slideId()).batchId(stored.batchId()).uploadedAt(stored.uploadedAt()).scale(scale)
                .build();
    }

    private CellDetections publishAndAwait(ImageUploaded event) throws Exception {
        Instant sent = Instant.now();
        publish(event.imageId(), json.writeValueAsString(event));
        return awaitRecord(detections, d -> d.imageId().equals(event.imageId()) && !d.detectedAt().isBefore(sent));
    }

    /** What the worker's own model finds in the image, detected here directly. */
    private DetectionResult detectDirectly(byte[] bytes, ImageScale scale) throws Exception {
        try (ModelLease lease = model.lease()) {
            return lease.detector().detect(ImageDecoder.decode(bytes, ImageLimits.PLATFORM), scale);
        }
    }

    private void publish(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.IMAGES_UPLOADED, key, value)).get();
    }

    private static <T> T awaitRecord(TopicRecorder<T> topic, Predicate<T> matching) {
        return await().atMost(PROCESSED_WITHIN)
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(100))
                .until(() -> topic.find(matching), Optional::isPresent)
                .orElseThrow();
    }
}
