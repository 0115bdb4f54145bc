package org.bloodcells.results.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class BatchProgressTest {

    @Test
    void totalIsDonePlusFailedPlusPending() {
        BatchProgress progress = BatchProgress.of(Map.of(ImageStatus.DONE, 3L, ImageStatus.FAILED, 1L,
                ImageStatus.PENDING, 2L));
        assertEquals(new BatchProgress(6, 3, 1, 2), progress);
    }

    @Test
    void statesWithoutImagesCountZero() {
        assertEquals(new BatchProgress(2, 2, 0, 0), BatchProgress.of(Map.of(ImageStatus.DONE, 2L)));
    }
}
