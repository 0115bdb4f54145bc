package org.bloodcells.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.Topics;
import org.bloodcells.images.BccdImages;
import org.bloodcells.launcher.LocalPlatform;
import org.bloodcells.launcher.PlatformClient;
import org.bloodcells.launcher.PlatformClient.Origin;
import org.bloodcells.launcher.PlatformClient.Upload;
import org.bloodcells.launcher.RepositoryLayout;
import org.bloodcells.launcher.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;

/**
 * The scanner-to-analyst journey on the packaged services, real Kafka, PostgreSQL, S3 and ONNX
 * Runtime: what an analyst reads back is exactly what the detection core finds in the file.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UploadToCountsIT {

    private static final Duration PROCESSING = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RepositoryLayout layout;
    private static LocalPlatform platform;
    private static PlatformClient client;
    private static TopicProbe topics;
    private static List<Path> images;

    @BeforeAll
    static void startPlatform() throws Exception {
        layout = RepositoryLayout.locate();
        platform = LocalPlatform.start(layout, new LocalPlatform.Options(LocalPlatform.Ports.free(), 2,
                LocalPlatform.Options.DEFAULT_PARTITIONS), LocalPlatform.Progress.toStderr());
        client = platform.client();
        topics = new TopicProbe(platform.infrastructure().kafka().bootstrapServers());
        try (Stream<Path> files = Files.list(layout.demoImages())) {
            images = files.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(3).toList();
        }
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (topics != null) {
            topics.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void analystsReadExactlyTheCountsTheDetectionCoreFindsAndRedeliveryChangesNothing() throws Exception {
        Origin origin = new Origin("scanner-e2e", "slide-e2e", "batch-e2e");
        PlatformClient.Answer answer = client.upload(images.stream().map(Upload::of).toList(), origin);
        assertEquals(201, answer.status(), answer.body().toString());
        List<String> ids = new ArrayList<>();
        answer.body().get("images").forEach(i -> ids.add(i.get("imageId").asText()));
        for (int i = 0; i < images.size(); i++) {
            assertEquals(ImageId.of(Files.readAllBytes(images.get(i))), ids.get(i), "image id is the SHA-256 of the bytes");
        }

        Map<String, JsonNode> stored = awaitDone(ids);

        Map<String, Map<String, Integer>> expected = new LinkedHashMap<>();
        // The worker runs the model with the post-processing the model carries; so does a detector loaded plainly.
        try (CellDetector detector = CellDetector.load(layout.releasedModel(), 2)) {
            for (int i = 0; i < images.size(); i++) {
                expected.put(ids.get(i), detector.detect(Files.readAllBytes(images.get(i))).counts());
            }
        }
        for (String id : ids) {
            assertEquals(expected.get(id), counts(stored.get(id).path("detection")), "counts of " + id);
        }

        // The same bytes again: same ids, nothing new published.
        long uploadsBefore = topics.endOffset(Topics.IMAGES_UPLOADED);
        PlatformClient.Answer again = client.upload(images.stream().map(Upload::of).toList(), origin);
        assertEquals(200, again.status(), again.body().toString());
        List<String> againIds = new ArrayList<>();
        again.body().get("images").forEach(i -> againIds.add(i.get("imageId").asText()));
        assertEquals(ids, againIds);
        assertEquals(uploadsBefore, topics.endOffset(Topics.IMAGES_UPLOADED));

        // Redelivery of every upload event (the worker runs again) and every detections event.
        long detectionsBefore = topics.endOffset(Topics.CELL_DETECTIONS);
        var uploadEvents = topics.readAll(Topics.IMAGES_UPLOADED);
        var detectionEvents = topics.readAll(Topics.CELL_DETECTIONS);
        topics.replay(detectionEvents);
        topics.replay(uploadEvents);
        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(200)).until(() ->
                topics.endOffset(Topics.CELL_DETECTIONS) >= detectionsBefore + detectionEvents.size() + uploadEvents.size()
                        && topics.allGroupsCaughtUp(Topics.CELL_DETECTIONS));
        for (String id : ids) {
            assertEquals(expected.get(id), counts(client.image(id).orElseThrow().path("detection")),
                    "counts of " + id + " after redelivery");
        }
        JsonNode batch = client.batch(origin.batchId());
        assertEquals(ids.size(), batch.path("images").path("total").asInt(), batch.toString());
        Map<String, Integer> batchTotals = new LinkedHashMap<>();
        expected.values().forEach(c -> c.forEach((k, v) -> batchTotals.merge(k, v, Integer::sum)));
        assertEquals(batchTotals, counts(batch), "batch totals after redelivery");
    }

    @Test
    void aNonImageUploadIsRefusedAndNothingIsStoredOrPublished() throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(platform.infrastructure().s3().endpoint())
                .credentials(platform.infrastructure().s3().accessKey(), platform.infrastructure().s3().secretKey())
                .build();
        long objectsBefore = countObjects(s3);
        long eventsBefore = topics.endOffset(Topics.IMAGES_UPLOADED);

        PlatformClient.Answer answer = client.upload(
                List.of(new Upload("notes.txt", "this is not a microscope image".getBytes(StandardCharsets.UTF_8))),
                new Origin("scanner-e2e", "slide-bad", "batch-bad"));

        assertTrue(answer.status() >= 400 && answer.status() < 500, "HTTP " + answer.status());
        assertTrue(answer.body().toString().contains("notes.txt"), "the answer names the file: " + answer.body());
        assertEquals(objectsBefore, countObjects(s3), "nothing stored");
        assertEquals(eventsBefore, topics.endOffset(Topics.IMAGES_UPLOADED), "nothing published");
    }

    /**
     * Two workers in one consumer group share a backlog; one is stopped (SIGTERM, as Kubernetes scales down) while
     * it is busy. It finishes and commits its batch in flight, so the other takes over its partitions from there:
     * every image ends DONE with the counts the detection core finds, and none is detected twice. Runs last: the
     * platform has one worker left afterwards.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void twoWorkersShareABacklogAndOneStoppedMidBatchLosesNoImageAndDetectsNoneTwice() throws Exception {
        List<String> bases = List.of("BloodImage_00007", "BloodImage_00011", "BloodImage_00015", "BloodImage_00016");
        List<Upload> uploads = new ArrayList<>();
        Map<String, String> baseOf = new LinkedHashMap<>();
        for (int i = 0; i < 32; i++) {
            byte[] variant = BccdImages.uniqueVariant(bases.get(i % bases.size()));
            uploads.add(new Upload("variant-" + i + ".jpg", variant));
            baseOf.put(ImageId.of(variant), bases.get(i % bases.size()));
        }
        Origin origin = new Origin("scanner-e2e", "slide-scaling", "batch-scaling");
        assertEquals(201, client.upload(uploads, origin).status());
        List<String> ids = List.copyOf(baseOf.keySet());

        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(100))
                .until(() -> detectionsOf(ids).stream().filter(d -> d.path("workerId").asText()
                        .equals("local-worker-2")).count() >= 4);
        ServiceProcess second = platform.workers().get(1);
        // SIGTERM, with as long to finish as the chart gives a worker pod (terminationGracePeriodSeconds)
        assertTrue(second.stop(Duration.ofSeconds(150)), "worker 2 did not stop by itself within its grace period");
        assertTrue(Files.readString(second.log()).contains("Shutting down: waiting for the batch in flight"),
                "worker 2 was not stopped mid-batch, so this test proves nothing about its in-flight batch");

        Map<String, JsonNode> stored = awaitDone(ids);
        Map<String, Map<String, Integer>> expected = new LinkedHashMap<>();
        try (CellDetector detector = CellDetector.load(layout.releasedModel(), 2)) {
            for (String base : bases) {
                expected.put(base, detector.detect(BccdImages.bytes(base)).counts());
            }
        }
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (String id : ids) {
            Map<String, Integer> counts = expected.get(baseOf.get(id));
            assertEquals(counts, counts(stored.get(id).path("detection")), "counts of " + id);
            counts.forEach((k, v) -> totals.merge(k, v, Integer::sum));
        }
        assertEquals(totals, counts(client.batch(origin.batchId())), "batch totals: no image counted twice");

        List<JsonNode> published = detectionsOf(ids);
        Map<String, Long> timesDetected = new LinkedHashMap<>();
        published.forEach(d -> timesDetected.merge(d.path("imageId").asText(), 1L, Long::sum));
        assertEquals(ids.size(), timesDetected.size(), "every image detected");
        assertTrue(timesDetected.values().stream().allMatch(n -> n == 1),
                "an image detected twice: the stopped worker did not commit its batch " + timesDetected);
        assertEquals(Set.of("local-worker-1", "local-worker-2"),
                published.stream().map(d -> d.path("workerId").asText()).collect(Collectors.toSet()));
    }

    /** The CellDetections published so far for these images. */
    private static List<JsonNode> detectionsOf(List<String> ids) throws Exception {
        Set<String> wanted = Set.copyOf(ids);
        List<JsonNode> found = new ArrayList<>();
        for (var record : topics.readAll(Topics.CELL_DETECTIONS)) {
            JsonNode event = JSON.readTree(record.value());
            if (wanted.contains(event.path("imageId").asText())) {
                found.add(event);
            }
        }
        return found;
    }

    private static long countObjects(MinioClient s3) {
        long n = 0;
        for (var ignored : s3.listObjects(ListObjectsArgs.builder().bucket("images").recursive(true).build())) {
            n++;
        }
        return n;
    }

    private static Map<String, JsonNode> awaitDone(List<String> ids) {
        Map<String, JsonNode> done = new LinkedHashMap<>();
        await().atMost(PROCESSING).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (String id : ids) {
                Optional<JsonNode> image = client.image(id);
                if (image.isPresent() && image.get().path("status").asText().equals("DONE")) {
                    done.put(id, image.get());
                }
            }
            return done.size() == ids.size();
        });
        return done;
    }

    private static Map<String, Integer> counts(JsonNode node) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        node.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }
}
