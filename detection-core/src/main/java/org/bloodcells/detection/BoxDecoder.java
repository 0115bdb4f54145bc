package org.bloodcells.detection;

/**
 * Turns one anchor's regression {@code (ty, tx, th, tw)} into a box in original image pixels, as the EfficientDet
 * reference does: centre moved by {@code t·size}, size multiplied by {@code exp(t)}, then divided by the letterbox
 * scale and clipped to the image.
 */
final class BoxDecoder {

    private final AnchorGrid anchors;

    BoxDecoder(AnchorGrid anchors) {
        this.anchors = anchors;
    }

    /**
     * @param regression the image's {@code [A, 4]} block of the {@code boxes} output
     * @param offset     where that block starts
     * @param flip       the view of the input the outputs were computed on: the box is flipped back within the
     *                   image's area of the canvas before it is scaled to the image
     * @param out        receives {@code x1, y1, x2, y2} at {@code out[0..3]}
     * @return whether the clipped box still has an area (a box wholly on the padding has none)
     */
    boolean decode(float[] regression, int offset, int anchor, Letterbox letterbox, Flip flip, float[] out) {
        return decodeAt(regression, offset + anchor * 4, anchor, letterbox, flip, out);
    }

    /** {@link #decode} of the anchor's regression found at {@code regression[r..r + 3]}. */
    boolean decodeAt(float[] regression, int r, int anchor, Letterbox letterbox, Flip flip, float[] out) {
        float h = anchors.height(anchor);
        float w = anchors.width(anchor);
        float cy = anchors.centreY(anchor) + regression[r] * h;
        float cx = anchors.centreX(anchor) + regression[r + 1] * w;
        float halfH = (float) (h * Math.exp(regression[r + 2]) / 2);
        float halfW = (float) (w * Math.exp(regression[r + 3]) / 2);
        float xa = flip.x(cx - halfW, letterbox.resizedWidth());
        float xb = flip.x(cx + halfW, letterbox.resizedWidth());
        float ya = flip.y(cy - halfH, letterbox.resizedHeight());
        float yb = flip.y(cy + halfH, letterbox.resizedHeight());
        double scale = letterbox.scale();
        out[0] = clip(Math.min(xa, xb) / scale, letterbox.imageWidth());
        out[1] = clip(Math.min(ya, yb) / scale, letterbox.imageHeight());
        out[2] = clip(Math.max(xa, xb) / scale, letterbox.imageWidth());
        out[3] = clip(Math.max(ya, yb) / scale, letterbox.imageHeight());
        return out[2] > out[0] && out[3] > out[1];
    }

    private static float clip(double value, int limit) {
        // NaN from a degenerate regression fails the area check in decode.
        return (float) Math.min(Math.max(value, 0), limit);
    }
}
