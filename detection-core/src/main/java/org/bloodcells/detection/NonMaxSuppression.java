package org.bloodcells.detection;

import java.util.Arrays;

/** Non-maximum suppression within one class: greedy, or Gaussian soft-NMS. */
final class NonMaxSuppression {

    /** The boxes a suppression kept, best first, and the scores they keep. */
    record Kept(int[] indices, float[] scores) {
    }

    private NonMaxSuppression() {
    }

    /** {@link #select} with the boxes' own scores. */
    static Kept greedy(float[] boxes, float[] scores, int count, double iouThreshold, int limit) {
        int[] indices = select(boxes, count, iouThreshold, limit);
        float[] kept = new float[indices.length];
        for (int k = 0; k < indices.length; k++) {
            kept[k] = scores[indices[k]];
        }
        return new Kept(indices, kept);
    }

    /**
     * Gaussian soft-NMS (Bodla et al., "Soft-NMS", ICCV 2017): repeatedly keeps the box with the highest current
     * score (the lower index on a tie) and multiplies every remaining box's score by {@code exp(-IoU² / sigma)}
     * with the kept one; a box whose score falls to {@code threshold} or below is dropped. Stops after
     * {@code limit} kept boxes. Scores are carried in double precision.
     */
    static Kept soft(float[] boxes, float[] scores, int count, double sigma, double threshold, int limit) {
        double[] current = new double[count];
        boolean[] gone = new boolean[count];
        for (int i = 0; i < count; i++) {
            current[i] = scores[i];
        }
        int[] kept = new int[Math.min(count, limit)];
        float[] keptScores = new float[kept.length];
        int keptCount = 0;
        while (keptCount < kept.length) {
            int best = -1;
            for (int i = 0; i < count; i++) {
                if (!gone[i] && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            kept[keptCount] = best;
            keptScores[keptCount++] = (float) current[best];
            gone[best] = true;
            for (int i = 0; i < count; i++) {
                if (!gone[i]) {
                    double overlap = iou(boxes, best, i);
                    if (overlap > 0) {
                        current[i] *= Math.exp(-overlap * overlap / sigma);
                        gone[i] = current[i] <= threshold;
                    }
                }
            }
        }
        return new Kept(Arrays.copyOf(kept, keptCount), Arrays.copyOf(keptScores, keptCount));
    }

    /**
     * Walks the boxes in the given (descending score) order and keeps a box unless its IoU with an already kept box
     * exceeds {@code iouThreshold}; stops after {@code limit} kept boxes.
     *
     * @param boxes {@code x1, y1, x2, y2} per box, four floats each
     * @param count how many boxes {@code boxes} holds
     * @return indices of the kept boxes, in order
     */
    static int[] select(float[] boxes, int count, double iouThreshold, int limit) {
        int[] kept = new int[Math.min(count, limit)];
        int keptCount = 0;
        for (int i = 0; i < count && keptCount < kept.length; i++) {
            boolean suppressed = false;
            for (int k = 0; k < keptCount; k++) {
                if (iou(boxes, i, kept[k]) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept[keptCount++] = i;
            }
        }
        return Arrays.copyOf(kept, keptCount);
    }

    /** Intersection over union of boxes {@code a} and {@code b}, continuous coordinates (area = w·h). */
    static double iou(float[] boxes, int a, int b) {
        int i = a * 4;
        int j = b * 4;
        double iw = Math.min(boxes[i + 2], boxes[j + 2]) - Math.max(boxes[i], boxes[j]);
        double ih = Math.min(boxes[i + 3], boxes[j + 3]) - Math.max(boxes[i + 1], boxes[j + 1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double areaA = (double) (boxes[i + 2] - boxes[i]) * (boxes[i + 3] - boxes[i + 1]);
        double areaB = (double) (boxes[j + 2] - boxes[j]) * (boxes[j + 3] - boxes[j + 1]);
        return inter / (areaA + areaB - inter);
    }
}
