package org.bloodcells.detection;

import java.nio.FloatBuffer;

/**
 * An image made into one model's input by {@link CellDetector#prepare}: one block per view, and where the image lies
 * on that input. Only the detector that prepared it can run and finish it.
 */
public final class PreparedImage {

    final CellDetector owner;
    final float[] input;
    final Letterbox letterbox;
    final long prepareNanos;

    PreparedImage(CellDetector owner, float[] input, Letterbox letterbox, long prepareNanos) {
        this.owner = owner;
        this.input = input;
        this.letterbox = letterbox;
        this.prepareNanos = prepareNanos;
    }

    public int imageWidth() {
        return letterbox.imageWidth();
    }

    public int imageHeight() {
        return letterbox.imageHeight();
    }

    /**
     * The model input, read-only: one {@code 3 × S × S} block per view, in the order the model runs them. For
     * benchmarks that time ONNX Runtime on the very inputs a worker runs.
     */
    public FloatBuffer input() {
        return FloatBuffer.wrap(input).asReadOnlyBuffer();
    }

    /** Time spent making the input (RGB, letterbox, views). */
    public long prepareNanos() {
        return prepareNanos;
    }
}
