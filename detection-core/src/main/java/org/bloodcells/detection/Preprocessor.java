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
        write(image, box, target);
        return box;
    }

    /**
     * Writes {@code source} resampled to {@code box}'s resized size at the buffer's position and advances it by
     * {@link #tensorLength()}. The source may be a shrunk copy of the image the box describes.
     */
    void write(RgbImage source, Letterbox box, FloatBuffer target) {
        RgbImage image = source;
        int start = target.position();
        if (target.hasArray()) {
            writeInto(image, box, target.array(), target.arrayOffset() + start);
        } else {
            float[] chw = new float[tensorLength()];
            writeInto(image, box, chw, 0);
            target.put(chw);
        }
        target.position(start + tensorLength());
    }

    /**
     * Bilinear resize and normalisation in one pass over the output rows, all three channels at once, so each source
     * pixel is read once per output pixel; the padding is written as zeros (the normalised mean colour), so the
     * letterbox border carries no signal.
     */
    private void writeInto(RgbImage image, Letterbox box, float[] out, int start) {
        Taps xs = Taps.of(image.width(), box.resizedWidth());
        Taps ys = Taps.of(image.height(), box.resizedHeight());
        int plane = inputSize * inputSize;
        Arrays.fill(out, start, start + 3 * plane, 0f);
        byte[] px = image.pixels();
        int stride = image.width() * 3;
        int width = box.resizedWidth();
        for (int y = 0; y < box.resizedHeight(); y++) {
            int r0 = ys.low[y] * stride;
            int r1 = ys.high[y] * stride;
            float wy0 = ys.lowWeight[y];
            float wy1 = ys.highWeight[y];
            int row = start + y * inputSize;
            for (int x = 0; x < width; x++) {
                int x0 = xs.low[x] * 3;
                int x1 = xs.high[x] * 3;
                float wx0 = xs.lowWeight[x];
                float wx1 = xs.highWeight[x];
                for (int c = 0; c < 3; c++) {
                    float top = wx0 * (px[r0 + x0 + c] & 0xFF) + wx1 * (px[r0 + x1 + c] & 0xFF);
                    float bottom = wx0 * (px[r1 + x0 + c] & 0xFF) + wx1 * (px[r1 + x1 + c] & 0xFF);
                    float value = wy0 * top + wy1 * bottom;
                    out[row + c * plane + x] = (value / 255f - mean[c]) / std[c];
                }
            }
        }
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
