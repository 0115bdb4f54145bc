package org.bloodcells.detect.service;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bloodcells.detect.storage.ImageMissingException;
import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.detection.InferenceException;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.images.UnusableImageException;
import org.bloodcells.storage.StorageUnavailableException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns one {@code ImageUploaded} event, as received, into the cells found on its image or a
 * dead letter saying why there are none. Failures that retrying can repair (object storage
 * unavailable) are thrown instead, so the message is redelivered rather than parked.
 */
public class ImageDetectionService {

    private static final String STAGE = "detect";

    private final ImageStore store;
    private final ModelRunner model;
    private final ObjectMapper json;
    private final String defaultBucket;
    private final String workerId;
    private final Clock clock;

    public ImageDetectionService(ImageStore store, ModelRunner model, ObjectMapper json,
            String defaultBucket, String workerId, Clock clock) {
        this.store = store;
        this.model = model;
        this.json = json;
        this.defaultBucket = defaultBucket;
        this.workerId = workerId;
        this.clock = clock;
    }

    /**
     * @param rawEvent the record value exactly as it came off the topic (may be null for a tombstone)
     * @throws StorageUnavailableException when the image could not be read for now
     * @throws InferenceException          when ONNX Runtime failed for reasons that are not the image's
     */
    public DetectionOutcome process(String rawEvent) {
        ImageUploaded event;
        try {
            event = parse(rawEvent);
        } catch (InvalidEventException e) {
            return deadLetter(e.imageId, e.getMessage(), rawEvent);
        }
        String bucket = event.bucket() == null || event.bucket().isBlank() ? defaultBucket : event.bucket();
        byte[] imageBytes;
        try {
            imageBytes = store.fetch(bucket, event.objectKey());
        } catch (ImageMissingException e) {
            return deadLetter(event.imageId(), e.getMessage(), rawEvent);
        }
        return detect(event, imageBytes, rawEvent);
    }

    DetectionOutcome detect(ImageUploaded event, byte[] imageBytes, String rawEvent) {
        String actualId = ImageId.of(imageBytes);
        if (!actualId.equals(event.imageId())) {
            // Counts stored under the wrong id would be attributed to another image.
            return deadLetter(event.imageId(), "Stored bytes have SHA-256 " + actualId
                    + ", not the event's imageId", rawEvent);
        }
        ModelRunner.Run run;
        try {
            run = model.detect(imageBytes);
        } catch (UnusableImageException e) {
            return deadLetter(event.imageId(), "Unusable image (" + e.reason() + "): " + e.getMessage(), rawEvent);
        } catch (InferenceException e) {
            // The runtime failed (memory, native state), not the image: every image would fail
            // alike, so fail the message and let it be redelivered.
            throw e;
        } catch (RuntimeException e) {
            // Decoding and box decoding are deterministic: an image that breaks them once
            // breaks them on every redelivery, and would stop the partition for good.
            return deadLetter(event.imageId(), "Detector failed on this image: " + e, rawEvent);
        }
        return new DetectionOutcome.Detected(toEvent(event.imageId(), run));
    }

    private CellDetections toEvent(String imageId, ModelRunner.Run run) {
        ModelInfo model = run.model();
        var result = run.result();
        List<DetectedCell> cells = result.detections().stream()
                .map(d -> new DetectedCell(d.cellClass(), d.score(), d.x1(), d.y1(), d.x2(), d.y2()))
                .toList();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String cellClass : model.classes()) {
            counts.put(cellClass, result.counts().getOrDefault(cellClass, 0));
        }
        return new CellDetections(imageId, model.name(), model.version(),
                result.imageWidth(), result.imageHeight(), cells, Collections.unmodifiableMap(counts),
                result.inferenceMillis(), workerId, clock.instant());
    }

    private ImageUploaded parse(String rawEvent) throws InvalidEventException {
        if (rawEvent == null || rawEvent.isBlank()) {
            throw new InvalidEventException("Empty event", null);
        }
        ImageUploaded event;
        try {
            event = json.readValue(rawEvent, ImageUploaded.class);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("Event is not a valid ImageUploaded JSON: " + e.getOriginalMessage(), null);
        }
        if (event == null) {
            throw new InvalidEventException("Event is JSON null", null);
        }
        if (event.imageId() == null || event.imageId().isBlank()) {
            throw new InvalidEventException("Event has no imageId", null);
        }
        if (event.objectKey() == null || event.objectKey().isBlank()) {
            throw new InvalidEventException("Event has no objectKey", event.imageId());
        }
        return event;
    }

    private DetectionOutcome deadLetter(String imageId, String reason, String rawEvent) {
        return new DetectionOutcome.DeadLettered(new DeadLetter(imageId, STAGE, reason, rawEvent, clock.instant()));
    }

    private static final class InvalidEventException extends Exception {

        /** Null unless the event got far enough to name its image. */
        final String imageId;

        InvalidEventException(String message, String imageId) {
            super(message);
            this.imageId = imageId;
        }
    }
}
