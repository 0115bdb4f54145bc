package org.bloodcells.detect.service;

import static org.bloodcells.detect.StoredImages.bccd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.storage.StorageUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.minio.MinioClient;

/**
 * The service against the real model. Object storage is only reached in the case where it must
 * be unreachable; reading real objects is covered by the worker's {@code @QuarkusTest}s.
 */
class ImageDetectionServiceTest {

    private static final Path MODEL = Path.of("../models/efficientdet-d0-bccd.onnx");
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private static CellDetector detector;
    private static ImageDetectionService service;

    @BeforeAll
    static void loadModel() throws IOException {
        detector = CellDetector.load(MODEL, 2);
        service = new ImageDetectionService(new ImageStore(unreachableStorage()), ModelRunner.of(detector), JSON,
                "images", "worker-7", Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void closeModel() {
        if (detector != null) {
            detector.close();
        }
    }

    @Test
    void decodableImageYieldsTheDetectorsCountsForEveryModelClass() throws Exception {
        byte[] image = bccd("BloodImage_00007.jpg");
        ImageUploaded event = uploaded(image);

        DetectionOutcome outcome = service.detect(event, image, JSON.writeValueAsString(event));

        CellDetections detections = assertInstanceOf(DetectionOutcome.Detected.class, outcome).detections();
        DetectionResult direct = detector.detect(image);
        assertEquals(event.imageId(), detections.imageId());
        assertEquals(detector.model().name(), detections.modelName());
        assertEquals(detector.model().version(), detections.modelVersion());
        assertEquals(detector.model().classes(), detections.counts().keySet().stream().toList());
        assertEquals(direct.counts(), detections.counts());
        assertEquals(direct.detections().stream()
                .map(d -> new DetectedCell(d.cellClass(), d.score(), d.x1(), d.y1(), d.x2(), d.y2()))
                .toList(), detections.cells());
        assertEquals(640, detections.imageWidth());
        assertEquals(480, detections.imageHeight());
        assertEquals("worker-7", detections.workerId());
        assertEquals(NOW, detections.detectedAt());
    }

    @Test
    void nonImageBytesAreDeadLetteredWithTheDecodersReason() throws Exception {
        byte[] notAnImage = "these bytes are a text file".getBytes(StandardCharsets.UTF_8);
        ImageUploaded event = uploaded(notAnImage);
        String raw = JSON.writeValueAsString(event);

        DeadLetter letter = deadLetterOf(service.detect(event, notAnImage, raw));

        assertEquals(event.imageId(), letter.imageId());
        assertEquals("detect", letter.stage());
        assertTrue(letter.reason().startsWith("Unusable image (NOT_AN_IMAGE): not an image in a known format"), letter.reason());
        assertEquals(raw, letter.payload());
        assertEquals(NOW, letter.failedAt());
    }

    @Test
    void bytesThatDoNotHashToTheImageIdAreDeadLettered() throws Exception {
        byte[] image = bccd("BloodImage_00011.jpg");
        ImageUploaded event = uploaded(bccd("BloodImage_00007.jpg"));

        DeadLetter letter = deadLetterOf(service.detect(event, image, JSON.writeValueAsString(event)));

        assertTrue(letter.reason().contains(ImageId.of(image)), letter.reason());
    }

    @Test
    void eventThatIsNotJsonIsDeadLetteredWithItsPayload() {
        String raw = "{\"imageId\": \"abc\", oops";

        DeadLetter letter = deadLetterOf(service.process(raw));

        assertNull(letter.imageId());
        assertEquals("detect", letter.stage());
        assertTrue(letter.reason().contains("not a valid ImageUploaded JSON"), letter.reason());
        assertEquals(raw, letter.payload());
    }

    @Test
    void eventWithoutObjectKeyIsDeadLettered() {
        String raw = "{\"imageId\": \"" + "a".repeat(64) + "\", \"bucket\": \"images\"}";

        DeadLetter letter = deadLetterOf(service.process(raw));

        assertEquals("a".repeat(64), letter.imageId());
        assertEquals("Event has no objectKey", letter.reason());
    }

    @Test
    void emptyRecordIsDeadLettered() {
        DeadLetter letter = deadLetterOf(service.process(null));

        assertEquals("Empty event", letter.reason());
        assertNull(letter.payload());
    }

    @Test
    void unreachableStorageFailsTheMessageInsteadOfDeadLettering() throws Exception {
        String raw = JSON.writeValueAsString(uploaded(bccd("BloodImage_00007.jpg")));

        assertThrows(StorageUnavailableException.class, () -> service.process(raw));
    }

    private static DeadLetter deadLetterOf(DetectionOutcome outcome) {
        return assertInstanceOf(DetectionOutcome.DeadLettered.class, outcome).deadLetter();
    }

    private static ImageUploaded uploaded(byte[] bytes) {
        String id = ImageId.of(bytes);
        return new ImageUploaded(id, "images", id, "image/jpeg", bytes.length, "scanner-1", "slide-1", "batch-1",
                NOW.minusSeconds(5));
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
