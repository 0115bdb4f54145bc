package org.bloodcells.detect.service;

import static org.bloodcells.detect.StoredImages.bccd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.imageio.ImageIO;

import org.bloodcells.detect.StoredImages;
import org.bloodcells.detect.metrics.WorkerMetrics;
import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.ImageScale;
import org.bloodcells.detection.ScannerScales;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.events.Scale;
import org.bloodcells.storage.StorageUnavailableException;
import org.bloodcells.testsupport.LocalInfrastructureTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.MinioClient;

/**
 * The batch pipeline against the real model and the real S3 server of local-infra (the one the worker's
 * {@code @QuarkusTest}s share in this JVM). Each test runs a batch as the consumer hands one over.
 */
class ImageDetectionServiceTest {

    private static final Path MODEL = Path.of("../models/efficientdet-d0-bccd.onnx");
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    /** At most two images per model run (waiting up to 2 s for the second: a busy CI machine), two runs at once. */
    private static final ImageDetectionService.Pipeline TWO_PER_RUN =
            new ImageDetectionService.Pipeline(2, Duration.ofSeconds(2), 2, 2, Duration.ofSeconds(20));

    private static CellDetector detector;
    private static ExecutorService pool;
    private static ExecutorService modelPool;
    private static MinioClient minio;
    private static StoredImages images;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScannerScales scannerScales = new ScannerScales();

    @BeforeAll
    static void start() {
        detector = CellDetector.load(MODEL, 1);
        pool = Executors.newFixedThreadPool(2);
        modelPool = Executors.newFixedThreadPool(2);
        Map<String, String> infra = new LocalInfrastructureTestResource().start();
        minio = MinioClient.builder().endpoint(infra.get("bloodcells.storage.endpoint"))
                .credentials(infra.get("bloodcells.storage.access-key"), infra.get("bloodcells.storage.secret-key"))
                .build();
        images = new StoredImages(minio, "service-test");
    }

    @AfterAll
    static void stop() {
        if (detector != null) {
            detector.close();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
        if (modelPool != null) {
            modelPool.shutdownNow();
        }
    }

    private ImageDetectionService service(MinioClient storage, ModelLease.Source models,
            ImageDetectionService.Pipeline pipeline) {
        return new ImageDetectionService(new ImageStore(storage), models, JSON, "service-test", "worker-7",
                Clock.fixed(NOW, ZoneOffset.UTC), pool, modelPool, pipeline, new WorkerMetrics(registry),
                scannerScales);
    }

    private ImageDetectionService service() {
        return service(minio, ModelLease.of(detector), TWO_PER_RUN);
    }

    private static String raw(ImageUploaded event) throws Exception {
        return JSON.writeValueAsString(event);
    }

    @Test
    void aBatchYieldsEveryImagesOutcomeInItsOrderWithTheDetectorsCounts() throws Exception {
        List<byte[]> bytes = List.of(bccd("BloodImage_00007.jpg"), bccd("BloodImage_00011.jpg"),
                "these bytes are a text file".getBytes(StandardCharsets.UTF_8), bccd("BloodImage_00015.jpg"));
        List<String> batch = new ArrayList<>();
        for (byte[] image : bytes) {
            batch.add(raw(images.put(image, "image/jpeg")));
        }
        batch.add(2, "{\"imageId\": \"abc\", oops");

        List<DetectionOutcome> outcomes = service().process(batch);

        assertEquals(5, outcomes.size());
        for (int i : new int[] {0, 1, 4}) {
            byte[] image = bytes.get(i < 2 ? i : 3);
            CellDetections detections = assertInstanceOf(DetectionOutcome.Detected.class, outcomes.get(i))
                    .detections();
            DetectionResult direct = detector.detect(image);
            assertEquals(ImageId.of(image), detections.imageId());
            assertEquals(detector.model().version(), detections.modelVersion());
            assertEquals(detector.model().classes(), detections.counts().keySet().stream().toList());
            assertEquals(direct.counts(), detections.counts());
            assertEquals(direct.detections().stream()
                    .map(d -> new DetectedCell(d.cellClass(), d.score(), d.x1(), d.y1(), d.x2(), d.y2()))
                    .toList(), detections.cells());
            assertEquals(640, detections.imageWidth());
            assertEquals("worker-7", detections.workerId());
            assertEquals(NOW, detections.detectedAt());
        }
        assertTrue(deadLetterOf(outcomes.get(2)).reason().contains("not a valid ImageUploaded JSON"));
        assertTrue(deadLetterOf(outcomes.get(3)).reason()
                .startsWith("Unusable image (NOT_AN_IMAGE): not an image in a known format"));
        // three images to run, at most two per run: two model runs
        assertEquals(2, registry.get("bloodcells.worker.inference.batch.images").summary().count());
        assertEquals(3, registry.get("bloodcells.worker.inference.batch.images").summary().totalAmount());
        assertEquals(4, registry.get("bloodcells.worker.stage").tag("stage", "fetch").timer().count());
        assertEquals(3, registry.get("bloodcells.worker.stage").tag("stage", "postprocess").timer().count());
    }

    /**
     * Four BCCD fields side by side, of unknown scale: fitted whole, its cells are half their size at the model's
     * scale, so the image is run again at the measured scale, in tiles. That second run is a model run of its own,
     * through the lanes, and the worker's outcome is what one call to the detector finds.
     */
    /** Four BCCD images side by side, 2 × 2, as a PNG; {@code shift} rotates which goes where. */
    private static byte[] field(int shift) throws Exception {
        BufferedImage field = new BufferedImage(1280, 960, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = field.createGraphics();
        String[] parts = {"BloodImage_00031.jpg", "BloodImage_00065.jpg", "BloodImage_00068.jpg",
            "BloodImage_00007.jpg"};
        for (int i = 0; i < parts.length; i++) {
            g.drawImage(ImageIO.read(new ByteArrayInputStream(bccd(parts[(i + shift) % parts.length]))),
                    (i % 2) * 640, (i / 2) * 480, null);
        }
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(field, "png", png);
        return png.toByteArray();
    }

    @Test
    void anImageRunAgainAtItsMeasuredScaleGetsASecondModelRunAndTheDetectorsAnswer() throws Exception {
        byte[] bytes = field(0);

        List<DetectionOutcome> outcomes = service().process(List.of(raw(images.put(bytes, "image/png"))));

        CellDetections detections = assertInstanceOf(DetectionOutcome.Detected.class, outcomes.get(0)).detections();
        DetectionResult direct = detector.detect(bytes);
        assertTrue(direct.scale().tiles() > 1, "the field runs again in tiles: " + direct.scale());
        assertEquals(direct.scale().tiles(), detections.tiles());
        assertEquals(direct.counts(), detections.counts());
        assertEquals(direct.detections().stream()
                .map(d -> new DetectedCell(d.cellClass(), d.score(), d.x1(), d.y1(), d.x2(), d.y2()))
                .toList(), detections.cells());
        assertEquals(2, registry.get("bloodcells.worker.inference.batch.images").summary().count(),
                "the whole-image fit and the run at the measured scale");
        assertEquals(2, registry.get("bloodcells.worker.stage").tag("stage", "postprocess").timer().count());
    }

    /**
     * A scanner whose fields of unknown scale all measure alike: once three agree, its next field is first looked at
     * that scale, in tiles, and settles there: one model run instead of the whole-image fit and a second run. Ops see
     * the scanner's figure.
     */
    @Test
    void aScannersImagesOfUnknownScaleTakeOneModelRunEachOnceItsScaleIsKnown() throws Exception {
        List<String> first = new ArrayList<>();
        for (int shift = 0; shift < 3; shift++) {
            first.add(raw(images.put(field(shift), "image/png")));
        }
        service().process(first);
        // looks run, each image of a micro-batch one
        assertEquals(6, registry.get("bloodcells.worker.inference.batch.images").summary().totalAmount(),
                "each of the first fields: the whole-image fit, then a run at its measured scale");
        assertTrue(scannerScales.likely("scanner-test").isPresent(), "three fields that agree: " + scannerScales
                .learned());

        List<DetectionOutcome> later = service().process(List.of(raw(images.put(field(3), "image/png"))));

        assertEquals(7, registry.get("bloodcells.worker.inference.batch.images").summary().totalAmount(),
                "the next field: one look, at the scanner's scale");
        CellDetections detections = assertInstanceOf(DetectionOutcome.Detected.class, later.get(0)).detections();
        assertEquals("ESTIMATED", detections.scale().source(), "still measured on the image itself");
        assertTrue(detections.tiles() > 1, "in tiles at once: " + detections.tiles());
        assertEquals(1.0, registry.get("bloodcells.worker.scanner.microns.per.pixel").tag("scanner", "scanner-test")
                .gauge().value() / scannerScales.likely("scanner-test").getAsDouble(), 1e-12);
        assertEquals(4, registry.get("bloodcells.worker.stage.cpu").tag("stage", "prepare").timer().count(),
                "each stage's CPU time is kept beside its wall time");
    }

    @Test
    void nonImageBytesAreDeadLetteredWithTheDecodersReasonAndTheEventAsReceived() throws Exception {
        String raw = raw(images.put("these bytes are a text file".getBytes(StandardCharsets.UTF_8), "image/jpeg"));

        DeadLetter letter = deadLetterOf(service().process(List.of(raw)).get(0));

        assertEquals(JSON.readValue(raw, ImageUploaded.class).imageId(), letter.imageId());
        assertEquals("detect", letter.stage());
        assertEquals(raw, letter.payload());
        assertEquals(NOW, letter.failedAt());
    }

    @Test
    void bytesThatDoNotHashToTheImageIdAreDeadLettered() throws Exception {
        ImageUploaded stored = images.put(bccd("BloodImage_00011.jpg"), "image/jpeg");
        ImageUploaded claimsAnother = ImageUploaded.builder().imageId(ImageId.of(bccd("BloodImage_00007.jpg")))
                .bucket(stored.bucket()).objectKey(stored.objectKey()).contentType("image/jpeg").sizeBytes(1)
                .scannerId("s").slideId("s").batchId("b").uploadedAt(NOW).build();

        DeadLetter letter = deadLetterOf(service().process(List.of(raw(claimsAnother))).get(0));

        assertTrue(letter.reason().contains(stored.imageId()), letter.reason());
    }

    @Test
    void anObjectThatDoesNotExistIsDeadLettered() throws Exception {
        ImageUploaded absent = ImageUploaded.builder().imageId("b".repeat(64)).bucket("service-test")
                .objectKey("no/such/object").contentType("image/jpeg").sizeBytes(1).scannerId("s").slideId("s")
                .batchId("b").uploadedAt(NOW).build();

        DeadLetter letter = deadLetterOf(service().process(List.of(raw(absent))).get(0));

        assertTrue(letter.reason().contains("does not exist"), letter.reason());
    }

    @Test
    void everySourceAnUploadMayGiveItsScaleFromIsOneTheDetectorKnows() {
        for (String source : Scale.GIVEN_SOURCES) {
            assertEquals(source, ImageScale.Source.valueOf(source).name());
        }
    }

    @Test
    void eventsThatAreNoImageUploadedAreDeadLetteredWithTheirPayload() {
        String withoutKey = "{\"imageId\": \"" + "a".repeat(64) + "\", \"bucket\": \"images\"}";
        List<String> batch = new ArrayList<>(List.of(withoutKey));
        batch.add(null);

        List<DetectionOutcome> outcomes = service().process(batch);

        assertEquals("a".repeat(64), deadLetterOf(outcomes.get(0)).imageId());
        assertEquals("Event breaks the ImageUploaded contract: objectKey is required",
                deadLetterOf(outcomes.get(0)).reason());
        assertEquals(withoutKey, deadLetterOf(outcomes.get(0)).payload());
        assertEquals("Empty event", deadLetterOf(outcomes.get(1)).reason());
        assertNull(deadLetterOf(outcomes.get(1)).payload());
    }

    @Test
    void unreachableStorageFailsTheBatchInsteadOfDeadLetteringWithinItsFetchBudget() throws Exception {
        String raw = raw(images.put(bccd("BloodImage_00007.jpg"), "image/jpeg"));
        ImageDetectionService.Pipeline manyAttemptsShortBudget =
                new ImageDetectionService.Pipeline(2, Duration.ofMillis(50), 1, 100, Duration.ofSeconds(2));
        ImageDetectionService down = service(unreachableStorage(), ModelLease.of(detector), manyAttemptsShortBudget);

        long began = System.nanoTime();
        assertThrows(StorageUnavailableException.class, () -> down.process(List.of(raw, raw)));
        long seconds = (System.nanoTime() - began) / 1_000_000_000;
        assertTrue(seconds < 5, "retries went on past the fetch budget: " + seconds + " s");
    }

    /** A failure that is not the image's (here: a model closed under the batch, a bug) is not parked. */
    @Test
    void anUnexpectedFailureInsideDetectionFailsTheBatchInsteadOfDeadLettering() throws Exception {
        String raw = raw(images.put(bccd("BloodImage_00007.jpg"), "image/jpeg"));
        CellDetector closed = CellDetector.load(MODEL, 1);
        closed.close();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> service(minio, ModelLease.of(closed), TWO_PER_RUN).process(List.of(raw)));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    private static DeadLetter deadLetterOf(DetectionOutcome outcome) {
        return assertInstanceOf(DetectionOutcome.DeadLettered.class, outcome).deadLetter();
    }

    /** A client for a port nobody listens on: connection refused, as when the store is down. */
    private static MinioClient unreachableStorage() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return MinioClient.builder().endpoint("http://127.0.0.1:" + port).credentials("key", "secret").build();
    }
}
