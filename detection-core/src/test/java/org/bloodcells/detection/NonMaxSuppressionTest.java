package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {

    @Test
    void iouIsIntersectionOverUnionOfContinuousBoxes() {
        // 10×10 boxes overlapping in a 5×10 strip: 50 / (100 + 100 − 50) = 1/3.
        float[] boxes = {0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30};
        assertEquals(1 / 3.0, NonMaxSuppression.iou(boxes, 0, 1), 1e-12);
        assertEquals(0, NonMaxSuppression.iou(boxes, 0, 2));
        assertEquals(1, NonMaxSuppression.iou(boxes, 2, 2));
    }

    @Test
    void dropsBoxesOverlappingAKeptBoxByMoreThanTheThreshold() {
        float[] boxes = {
            0, 0, 10, 10,     // 0: kept
            1, 0, 11, 10,     // 1: IoU 90/110 = 0.82 with 0 → dropped
            5, 0, 15, 10,     // 2: IoU 1/3 with 0 → kept
            20, 20, 30, 30,   // 3: alone → kept
        };
        assertArrayEquals(new int[] {0, 2, 3}, NonMaxSuppression.select(boxes, 4, 0.5, 100));
    }

    @Test
    void anOverlapEqualToTheThresholdIsKept() {
        float[] boxes = {0, 0, 10, 10, 5, 0, 15, 10};
        assertArrayEquals(new int[] {0, 1}, NonMaxSuppression.select(boxes, 2, 1 / 3.0 + 1e-9, 100));
        assertArrayEquals(new int[] {0}, NonMaxSuppression.select(boxes, 2, 0.3, 100));
    }

    @Test
    void softNmsLowersOverlappingScoresByTheGaussianOfTheirIou() {
        float[] boxes = {
            0, 0, 10, 10,     // 0: best, kept at 0.9
            5, 0, 15, 10,     // 1: IoU 1/3 with 0 → 0.8 · exp(−(1/9) / 0.5) = 0.6404
            20, 20, 30, 30,   // 2: alone → keeps 0.7
        };
        NonMaxSuppression.Kept kept = NonMaxSuppression.soft(boxes, new float[] {0.9f, 0.8f, 0.7f}, 3, 0.5, 0.3, 100);
        assertArrayEquals(new int[] {0, 2, 1}, kept.indices());
        assertEquals(0.9f, kept.scores()[0]);
        assertEquals(0.7f, kept.scores()[1]);
        assertEquals(0.8 * Math.exp(-1 / 9.0 / 0.5), kept.scores()[2], 1e-6);
    }

    @Test
    void softNmsDropsABoxDecayedToTheThreshold() {
        float[] boxes = {
            0, 0, 10, 10,     // 0: kept
            1, 0, 11, 10,     // 1: IoU 9/11 → 0.8 · exp(−0.6694 / 0.5) = 0.209, at most 0.3 → dropped
            5, 0, 15, 10,     // 2: IoU 1/3 with 0 → 0.5 · 0.8007 = 0.400, kept
        };
        NonMaxSuppression.Kept kept = NonMaxSuppression.soft(boxes, new float[] {0.9f, 0.8f, 0.5f}, 3, 0.5, 0.3, 100);
        assertArrayEquals(new int[] {0, 2}, kept.indices());
        assertEquals(0.5 * Math.exp(-1 / 9.0 / 0.5), kept.scores()[1], 1e-6);
    }

    @Test
    void softNmsStopsAtTheLimit() {
        float[] boxes = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
        assertArrayEquals(new int[] {0, 1},
                NonMaxSuppression.soft(boxes, new float[] {0.9f, 0.8f, 0.7f}, 3, 0.5, 0.3, 2).indices());
    }

    @Test
    void greedyKeepsTheKeptBoxesOwnScores() {
        float[] boxes = {0, 0, 10, 10, 1, 0, 11, 10, 20, 20, 30, 30};
        NonMaxSuppression.Kept kept = NonMaxSuppression.greedy(boxes, new float[] {0.9f, 0.8f, 0.7f}, 3, 0.5, 100);
        assertArrayEquals(new int[] {0, 2}, kept.indices());
        assertArrayEquals(new float[] {0.9f, 0.7f}, kept.scores());
    }

    @Test
    void stopsAtTheLimitAndIgnoresSlotsBeyondTheCount() {
        float[] boxes = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7};
        assertArrayEquals(new int[] {0, 1}, NonMaxSuppression.select(boxes, 4, 0.5, 2));
        assertArrayEquals(new int[] {0, 1, 2}, NonMaxSuppression.select(boxes, 3, 0.5, 10));
    }
}
