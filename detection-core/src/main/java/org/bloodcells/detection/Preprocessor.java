package org.bloodcells.detection;

import java.nio.FloatBuffer;
import java.util.List;

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
        int start = target.position();
        write(source, box, List.of(Flip.NONE), target, start);
        target.position(start + tensorLength());
    }

    /** Zeros to write the padding from: a whole row, and a whole block of rows at a time. */
    private final ThreadLocal<float[]> zeros = ThreadLocal.withInitial(() -> new float[64 * 1024]);

    /**
     * Writes one block per view of {@code source} resampled to {@code box}'s resized size, the first at index
     * {@code at} of the target, the next {@link #tensorLength()} further on, and so on; the target's position does
     * not move. Each view is written as it is computed, from the same resampled row, straight into the target (a
     * model input in native memory): no intermediate image and no second pass to mirror it.
     *
     * <p>Bilinear resize and normalisation, all three channels of a row at once. Each source row is interpolated
     * horizontally once and kept while the output rows that read it are made; the vertical step then mixes two such
     * rows. The arithmetic is the same, in the same order, as interpolating each output pixel on its own. The padding
     * is written as zeros (the normalised mean colour), so the letterbox border carries no signal.
     */
    void write(RgbImage image, Letterbox box, List<Flip> views, FloatBuffer target, int at) {
        int size = inputSize;
        int plane = size * size;
        int block = 3 * plane;
        int width = box.resizedWidth();
        int height = box.resizedHeight();
        Taps xs = Taps.of(image.width(), width);
        Taps ys = Taps.of(image.height(), height);
        byte[] px = image.pixels();
        int stride = image.width() * 3;
        float[] zero = zeros.get();
        // Horizontally interpolated source rows, three channels each: the one at a low tap and the one at a high tap.
        float[][] low = new float[3][width];
        float[][] high = new float[3][width];
        int lowRow = -1;
        int highRow = -1;
        float[][] row = new float[3][width];
        float[] mirrored = new float[width];
        for (int y = 0; y < height; y++) {
            int r0 = ys.low[y];
            int r1 = ys.high[y];
            if (r0 != lowRow) {
                if (r0 == highRow) {
                    float[][] swap = low;
                    low = high;
                    high = swap;
                    highRow = -1;
                } else {
                    interpolateRow(px, r0 * stride, xs, low);
                }
                lowRow = r0;
            }
            if (r1 != highRow) {
                if (r1 == lowRow) {
                    copy(low, high);
                } else {
                    interpolateRow(px, r1 * stride, xs, high);
                }
                highRow = r1;
            }
            float wy0 = ys.lowWeight[y];
            float wy1 = ys.highWeight[y];
            for (int c = 0; c < 3; c++) {
                float[] top = low[c];
                float[] bottom = high[c];
                float[] out = row[c];
                float m = mean[c];
                float sd = std[c];
                for (int x = 0; x < width; x++) {
                    float value = wy0 * top[x] + wy1 * bottom[x];
                    out[x] = (value / 255f - m) / sd;
                }
            }
            for (int v = 0; v < views.size(); v++) {
                Flip view = views.get(v);
                int targetRow = view.mirrorsY() ? height - 1 - y : y;
                for (int c = 0; c < 3; c++) {
                    float[] values = row[c];
                    if (view.mirrorsX()) {
                        for (int x = 0; x < width; x++) {
                            mirrored[width - 1 - x] = values[x];
                        }
                        values = mirrored;
                    }
                    int index = at + v * block + c * plane + targetRow * size;
                    target.put(index, values, 0, width);
                    if (width < size) {
                        target.put(index + width, zero, 0, size - width);
                    }
                }
            }
        }
        for (int v = 0; v < views.size(); v++) {
            for (int c = 0; c < 3; c++) {
                int from = at + v * block + c * plane + height * size;
                int end = at + v * block + (c + 1) * plane;
                for (int i = from; i < end; i += zero.length) {
                    target.put(i, zero, 0, Math.min(zero.length, end - i));
                }
            }
        }
    }

    /** One source row, interpolated horizontally at the output columns: R, G and B apart. */
    private static void interpolateRow(byte[] px, int rowStart, Taps xs, float[][] out) {
        float[] red = out[0];
        float[] green = out[1];
        float[] blue = out[2];
        for (int x = 0; x < red.length; x++) {
            int a = rowStart + xs.low[x] * 3;
            int b = rowStart + xs.high[x] * 3;
            float wx0 = xs.lowWeight[x];
            float wx1 = xs.highWeight[x];
            red[x] = wx0 * (px[a] & 0xFF) + wx1 * (px[b] & 0xFF);
            green[x] = wx0 * (px[a + 1] & 0xFF) + wx1 * (px[b + 1] & 0xFF);
            blue[x] = wx0 * (px[a + 2] & 0xFF) + wx1 * (px[b + 2] & 0xFF);
        }
    }

    private static void copy(float[][] from, float[][] to) {
        for (int c = 0; c < from.length; c++) {
            System.arraycopy(from[c], 0, to[c], 0, from[c].length);
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
