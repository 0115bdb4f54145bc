package org.bloodcells.results.service;

import static org.bloodcells.results.service.ImageStatus.DONE;
import static org.bloodcells.results.service.ImageStatus.FAILED;
import static org.bloodcells.results.service.ImageStatus.PENDING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageStatusTest {

    @Test
    void uploadRegistersAPendingImage() {
        assertEquals(PENDING, PENDING.afterUpload());
    }

    @Test
    void lateUploadEventDoesNotUndoAResult() {
        assertEquals(DONE, DONE.afterUpload());
        assertEquals(FAILED, FAILED.afterUpload());
    }

    @Test
    void detectionsMakeAnImageDoneFromAnyState() {
        assertEquals(DONE, PENDING.afterDetections());
        assertEquals(DONE, FAILED.afterDetections());
        assertEquals(DONE, DONE.afterDetections());
    }

    @Test
    void deadLetterFailsAnImageWithoutCounts() {
        assertEquals(FAILED, PENDING.afterDeadLetter());
        assertEquals(FAILED, FAILED.afterDeadLetter());
    }

    @Test
    void deadLetterNeverHidesStoredCounts() {
        assertEquals(DONE, DONE.afterDeadLetter());
    }
}
