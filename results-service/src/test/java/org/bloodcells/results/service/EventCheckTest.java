package org.bloodcells.results.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bloodcells.events.CellDetections;
import org.bloodcells.events.DeadLetter;
import org.bloodcells.events.DetectedCell;
import org.bloodcells.events.ImageUploaded;
import org.junit.jupiter.api.Test;

class EventCheckTest {

    private static final String ID = "ab".repeat(32);
    private static final Instant AT = Instant.parse("2026-11-23T10:15:30Z");

    @Test
    void completeEventsAreStorable() {
        assertEquals(Optional.empty(), EventCheck.problemWith(upload(ID)));
        assertEquals(Optional.empty(), EventCheck.problemWith(detections(ID, "efficientdet-d0-bccd", Map.of("RBC", 1))));
        assertEquals(Optional.empty(), EventCheck.problemWith(new DeadLetter(ID, "detect", "bad", "{}", AT)));
    }

    @Test
    void imageIdMustBeASha256() {
        assertTrue(EventCheck.problemWith(upload("ABC")).isPresent());
        assertTrue(EventCheck.problemWith(upload("AB".repeat(32))).isPresent());
        assertTrue(EventCheck.problemWith(detections(null, "m", Map.of())).isPresent());
    }

    @Test
    void deadLetterWithoutImageCannotBeAttributed() {
        assertEquals(Optional.of("no imageId"),
                EventCheck.problemWith(new DeadLetter(null, "detect", "unreadable event", "garbage", AT)));
    }

    @Test
    void detectionsNeedAModelName() {
        assertEquals(Optional.of("modelName missing"), EventCheck.problemWith(detections(ID, " ", Map.of())));
    }

    @Test
    void negativeCountsAreRefused() {
        assertTrue(EventCheck.problemWith(detections(ID, "m", Map.of("RBC", -1))).isPresent());
    }

    private static ImageUploaded upload(String imageId) {
        return new ImageUploaded(imageId, "images", "sha256/ab/x.jpg", "image/jpeg", 10, "s", "slide", "batch", AT);
    }

    private static CellDetections detections(String imageId, String model, Map<String, Integer> counts) {
        return new CellDetections(imageId, model, "1.0.0", 640, 480,
                List.of(new DetectedCell("RBC", 0.9, 1, 2, 3, 4)), counts, 12, "worker-1", AT);
    }
}
