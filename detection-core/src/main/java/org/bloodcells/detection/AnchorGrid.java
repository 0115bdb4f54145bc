package org.bloodcells.detection;

/**
 * The model's anchors in input pixels, in the order of its output rows: level, row, column, scale (outer),
 * ratio (inner), as {@code models/CONTRACT.md} fixes it.
 */
final class AnchorGrid {

    private final float[] centreX;
    private final float[] centreY;
    private final float[] width;
    private final float[] height;

    private AnchorGrid(float[] centreX, float[] centreY, float[] width, float[] height) {
        this.centreX = centreX;
        this.centreY = centreY;
        this.width = width;
        this.height = height;
    }

    static AnchorGrid of(ModelMetadata metadata) {
        return of(metadata.inputSize(), metadata.levels(), metadata.anchorScale(), metadata.scales(),
                metadata.ratios());
    }

    static AnchorGrid of(int inputSize, int[] levels, double anchorScale, double[] scales, double[][] ratios) {
        int perLocation = scales.length * ratios.length;
        int count = 0;
        for (int level : levels) {
            int side = cells(inputSize, level);
            count += side * side * perLocation;
        }
        float[] cx = new float[count];
        float[] cy = new float[count];
        float[] w = new float[count];
        float[] h = new float[count];
        int i = 0;
        for (int level : levels) {
            int stride = 1 << level;
            int side = cells(inputSize, level);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    for (double scale : scales) {
                        for (double[] ratio : ratios) {
                            cx[i] = (float) ((x + 0.5) * stride);
                            cy[i] = (float) ((y + 0.5) * stride);
                            w[i] = (float) (anchorScale * stride * scale * ratio[0]);
                            h[i] = (float) (anchorScale * stride * scale * ratio[1]);
                            i++;
                        }
                    }
                }
            }
        }
        return new AnchorGrid(cx, cy, w, h);
    }

    /** Feature-map side at a level: {@code ceil(S / 2^level)}. */
    private static int cells(int inputSize, int level) {
        int stride = 1 << level;
        return (inputSize + stride - 1) / stride;
    }

    int size() {
        return centreX.length;
    }

    float centreX(int anchor) {
        return centreX[anchor];
    }

    float centreY(int anchor) {
        return centreY[anchor];
    }

    float width(int anchor) {
        return width[anchor];
    }

    float height(int anchor) {
        return height[anchor];
    }
}
