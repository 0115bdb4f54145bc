package org.bloodcells.detection;

import java.util.List;

/**
 * A mirror image of the picture on the model's input, for test-time augmentation: the model also sees the image
 * flipped left-right and/or top-bottom, and boxes found on a flipped view are flipped back before they are merged.
 * Only the image's own area at the top-left of the canvas is mirrored and the padding stays at the bottom and
 * right, where training always put it: a model that never saw padding above an image fires on that edge. The order
 * is fixed (none, horizontal, vertical, both), so {@code n} flips always mean the same views; the trainer's
 * {@code postprocess.py} uses the same order.
 */
enum Flip {
    NONE(false, false), HORIZONTAL(true, false), VERTICAL(false, true), BOTH(true, true);

    private final boolean mirrorX;
    private final boolean mirrorY;

    Flip(boolean mirrorX, boolean mirrorY) {
        this.mirrorX = mirrorX;
        this.mirrorY = mirrorY;
    }

    /** The first {@code count} views (1, 2 or 4). */
    static List<Flip> first(int count) {
        return List.of(values()).subList(0, count);
    }

    /**
     * This view of a CHW tensor of {@code size × size} planes whose image fills the top-left {@code width × height},
     * as a new array; the rest is copied as it is.
     */
    float[] apply(float[] chw, int size, int width, int height) {
        float[] out = chw.clone();
        int plane = size * size;
        for (int c = 0; c < chw.length / plane; c++) {
            for (int y = 0; y < height; y++) {
                int from = c * plane + y * size;
                int to = c * plane + (mirrorY ? height - 1 - y : y) * size;
                if (mirrorX) {
                    for (int x = 0; x < width; x++) {
                        out[to + width - 1 - x] = chw[from + x];
                    }
                } else {
                    System.arraycopy(chw, from, out, to, width);
                }
            }
        }
        return out;
    }

    /** A continuous x seen through this view, mapped back, for an image {@code width} wide (its own inverse). */
    float x(float x, int width) {
        return mirrorX ? width - x : x;
    }

    float y(float y, int height) {
        return mirrorY ? height - y : y;
    }
}
