package org.bloodcells.detection;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * What post-processing needs of one output block (one view of one tile): the (anchor, class) pairs scoring above the
 * score threshold, best first, at most a given number of them, and each one's regression. Taken from the run's
 * outputs as soon as the model returns them, so that an image carries a few kilobytes to its post-processing rather
 * than megabytes of scores that are almost all below the threshold.
 *
 * <p>Order: score descending, then pair index ascending ({@code anchor × classes + class}), the order
 * {@link PostProcessor} ranks the pooled views in; keeping each block's best {@code n} therefore keeps every candidate
 * the pooled best {@code n} could hold.
 */
final class Candidates {

    /** Per candidate, {@code scoreBits << 32 | (Integer.MAX_VALUE − pair)}, descending. */
    private final long[] keys;
    /** Per candidate, its anchor's {@code (ty, tx, th, tw)}. */
    private final float[] regression;

    private Candidates(long[] keys, float[] regression) {
        this.keys = keys;
        this.regression = regression;
    }

    /** Scratch for the keys above the threshold, per thread: a block has up to {@code anchors × classes} of them. */
    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[4096]);

    /**
     * The candidates of one block.
     *
     * @param scores       {@code [N, A, C]} flattened; the block's scores start at {@code block × A × C}
     * @param boxes        {@code [N, A, 4]} flattened; the block's regressions start at {@code block × A × 4}
     * @param most         how many of the best to keep
     */
    static Candidates of(FloatBuffer scores, FloatBuffer boxes, int block, int anchorCount, int classCount,
            float threshold, int most) {
        int pairs = anchorCount * classCount;
        int scoresAt = block * pairs;
        long[] found = SCRATCH.get();
        int n = 0;
        for (int p = 0; p < pairs; p++) {
            float score = scores.get(scoresAt + p);
            if (score > threshold) {
                if (n == found.length) {
                    found = Arrays.copyOf(found, Math.min(pairs, found.length * 2));
                    SCRATCH.set(found);
                }
                // Positive floats order like their bit patterns; on equal scores the lower index ranks first.
                found[n++] = ((long) Float.floatToIntBits(score) << 32) | (Integer.MAX_VALUE - p);
            }
        }
        Arrays.sort(found, 0, n);
        int kept = Math.min(n, most);
        long[] keys = new long[kept];
        float[] regression = new float[kept * 4];
        int boxesAt = block * anchorCount * 4;
        for (int k = 0; k < kept; k++) {
            long key = found[n - 1 - k];
            keys[k] = key;
            int anchor = pair(key) / classCount;
            boxes.get(boxesAt + anchor * 4, regression, k * 4, 4);
        }
        return new Candidates(keys, regression);
    }

    int size() {
        return keys.length;
    }

    float score(int k) {
        return Float.intBitsToFloat((int) (keys[k] >>> 32));
    }

    /** {@code anchor × classes + class} of candidate {@code k}. */
    int pair(int k) {
        return pair(keys[k]);
    }

    private static int pair(long key) {
        return Integer.MAX_VALUE - (int) key;
    }

    /** The regressions, four per candidate in order: candidate {@code k}'s start at {@code 4k}. */
    float[] regression() {
        return regression;
    }
}
