package org.bloodcells.detection;

import java.util.Arrays;

/** Greedy non-maximum suppression within one class. */
final class NonMaxSuppression {

    private NonMaxSuppression() {
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
