package org.bloodcells.detection;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Turns an RGB image into the model's input as {@code models/CONTRACT.md} fixes it: letterbox to S×S at the
 * top-left, bilinear resize with half-pixel centres and no antialiasing (the same arithmetic as PyTorch's
 * {@code F.interpolate(mode="bilinear", align_corners=False)} on the float image, and OpenCV's
 * {@code INTER_LINEAR}), then {@code (v/255 − mean)/std} per channel, padding 0.
 */
final class Preprocessor {

    private final int inputSize;
    private final float[] mean;
    private final float[] std;

    Preprocessor(int inputSize, float[] mean, float[] std) {
        this.inputSize = inputSize;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    int inputSize() {
        return inputSize;
    }

    /** Floats one image occupies in the NCHW input. */
    int tensorLength() {
        return 3 * inputSize * inputSize;
    }

    Letterbox letterbox(RgbImage image) {
        return Letterbox.of(image.width(), image.height(), inputSize);
    }

    /** A fresh CHW array holding one image's input. */
    float[] toTensor(RgbImage image) {
        float[] chw = new float[tensorLength()];
        write(image, FloatBuffer.wrap(chw));
        return chw;
    }

    /**
     * Writes one image's CHW input at the buffer's position and advances it by {@link #tensorLength()}.
     *
     * @return where the image landed, to map boxes back
     */
    Letterbox write(RgbImage image, FloatBuffer target) {
        Letterbox box = letterbox(image);
        Taps xs = Taps.of(image.width(), box.resizedWidth());
        Taps ys = Taps.of(image.height(), box.resizedHeight());
        int plane = inputSize * inputSize;
        int start = target.position();
        float[] row = new float[inputSize];
        byte[] px = image.pixels();
        int stride = image.width() * 3;
        for (int c = 0; c < 3; c++) {
            // Padding stays 0, the normalised mean colour, so the letterbox border carries no signal.
            for (int y = 0; y < inputSize; y++) {
                Arrays.fill(row, 0f);
                if (y < box.resizedHeight()) {
                    int r0 = ys.low[y] * stride + c;
                    int r1 = ys.high[y] * stride + c;
                    float wy0 = ys.lowWeight[y];
                    float wy1 = ys.highWeight[y];
                    for (int x = 0; x < box.resizedWidth(); x++) {
                        int x0 = xs.low[x] * 3;
                        int x1 = xs.high[x] * 3;
                        float top = xs.lowWeight[x] * (px[r0 + x0] & 0xFF) + xs.highWeight[x] * (px[r0 + x1] & 0xFF);
                        float bottom = xs.lowWeight[x] * (px[r1 + x0] & 0xFF)
                                + xs.highWeight[x] * (px[r1 + x1] & 0xFF);
                        float value = wy0 * top + wy1 * bottom;
                        row[x] = (value / 255f - mean[c]) / std[c];
                    }
                }
                target.put(start + c * plane + y * inputSize, row);
            }
        }
        target.position(start + 3 * plane);
        return box;
    }

    /**
     * Source taps of one axis: output {@code i} reads source {@code low[i]} and {@code high[i]} with the given
     * weights. Source coordinate {@code (i + 0.5)·in/out − 0.5}, clamped at 0, in float as PyTorch computes it.
     */
    static final class Taps {
        final int[] low;
        final int[] high;
        final float[] lowWeight;
        final float[] highWeight;

        private Taps(int n) {
            low = new int[n];
            high = new int[n];
            lowWeight = new float[n];
            highWeight = new float[n];
        }

        static Taps of(int in, int out) {
            Taps taps = new Taps(out);
            float scale = (float) in / out;
            for (int i = 0; i < out; i++) {
                float src = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
                int i0 = Math.min((int) Math.floor(src), in - 1);
                float lambda = Math.min(Math.max(src - i0, 0f), 1f);
                taps.low[i] = i0;
                taps.high[i] = i0 < in - 1 ? i0 + 1 : i0;
                taps.lowWeight[i] = 1f - lambda;
                taps.highWeight[i] = lambda;
            }
            return taps;
        }
    }
}
