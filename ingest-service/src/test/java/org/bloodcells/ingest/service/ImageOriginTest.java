package org.bloodcells.ingest.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageOriginTest {

    @Test
    void typicalScannerIdsAreAccepted() {
        assertDoesNotThrow(() -> new ImageOrigin("scanner-7", "slide_2026.11.23:001", "B42"));
    }

    @Test
    void missingSlideIdIsNamed() {
        InvalidUpload e = assertThrows(InvalidUpload.class, () -> new ImageOrigin("scanner-7", " ", "B42"));
        assertTrue(e.getMessage().startsWith("slideId"), e.getMessage());
    }

    @Test
    void idsThatWouldBreakAnalystUrlsAreRefused() {
        assertThrows(InvalidUpload.class, () -> new ImageOrigin("scanner-7", "slide/1", "B42"));
        assertThrows(InvalidUpload.class, () -> new ImageOrigin("scanner-7", "slide-1", "B 42"));
        assertThrows(InvalidUpload.class, () -> new ImageOrigin("x".repeat(129), "slide-1", "B42"));
    }
}
