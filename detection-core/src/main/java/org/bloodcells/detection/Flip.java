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
        float[] out = new float[chw.length];
        applyInto(chw, 0, out, 0, chw.length / (size * size), size, width, height);
        return out;
    }

    /**
     * Writes this view of the {@code channels × size × size} block of {@code from} at {@code fromAt} into {@code to} at
     * {@code toAt} (another block, not the same one): the image's {@code width × height} mirrored, the rest copied.
     */
    void applyInto(float[] from, int fromAt, float[] to, int toAt, int channels, int size, int width, int height) {
        int plane = size * size;
        for (int c = 0; c < channels; c++) {
            int source = fromAt + c * plane;
            int target = toAt + c * plane;
            System.arraycopy(from, source, to, target, plane);
            for (int y = 0; y < height; y++) {
                int fromRow = source + y * size;
                int toRow = target + (mirrorY ? height - 1 - y : y) * size;
                if (mirrorX) {
                    for (int x = 0; x < width; x++) {
                        to[toRow + width - 1 - x] = from[fromRow + x];
                    }
                } else {
                    System.arraycopy(from, fromRow, to, toRow, width);
                }
            }
        }
    }

    boolean mirrorsX() {
        return mirrorX;
    }

    boolean mirrorsY() {
        return mirrorY;
    }

    /** A continuous x seen through this view, mapped back, for an image {@code width} wide (its own inverse). */
    float x(float x, int width) {
        return mirrorX ? width - x : x;
    }

    float y(float y, int height) {
        return mirrorY ? height - y : y;
    }
}
