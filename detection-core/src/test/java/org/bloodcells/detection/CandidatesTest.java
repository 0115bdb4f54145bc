package org.bloodcells.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;

import org.junit.jupiter.api.Test;

class CandidatesTest {

    /** Two blocks of 4 anchors × 2 classes; block 1 is read. */
    private final float[] scores = new float[2 * 4 * 2];
    private final float[] boxes = new float[2 * 4 * 4];

    private Candidates read(float threshold, int most) {
        return Candidates.of(FloatBuffer.wrap(scores), FloatBuffer.wrap(boxes), 1, 4, 2, threshold, most);
    }

    @Test
    void keepsTheBestAboveTheThresholdBestFirstEqualScoresInPairOrder() {
        scores[8 + 0] = 0.5f;      // anchor 0, class 0: pair 0
        scores[8 + 3] = 0.9f;      // anchor 1, class 1: pair 3
        scores[8 + 4] = 0.5f;      // anchor 2, class 0: pair 4, ties with pair 0
        scores[8 + 7] = 0.3f;      // at the threshold: left out
        scores[0] = 0.99f;         // block 0: not this block's
        Candidates read = read(0.3f, 10);
        assertEquals(3, read.size());
        assertArrayEquals(new int[] {3, 0, 4}, new int[] {read.pair(0), read.pair(1), read.pair(2)});
        assertArrayEquals(new float[] {0.9f, 0.5f, 0.5f}, new float[] {read.score(0), read.score(1), read.score(2)});
    }

    @Test
    void keepsOnlyTheMostAskedForWithTheirAnchorsRegressions() {
        for (int p = 0; p < 8; p++) {
            scores[8 + p] = 0.1f + p * 0.1f;
        }
        for (int i = 0; i < 16; i++) {
            boxes[16 + i] = i;    // block 1: anchor a's regression is 4a .. 4a + 3
        }
        Candidates read = read(0.05f, 2);
        assertEquals(2, read.size());
        assertEquals(7, read.pair(0));    // anchor 3, class 1
        assertEquals(6, read.pair(1));    // anchor 3, class 0
        assertArrayEquals(new float[] {12, 13, 14, 15, 12, 13, 14, 15}, read.regression());
    }
}
