package org.bloodcells.detection;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * An image made into one model's input by {@link CellDetector#prepare}: one block per view of each tile, and where
 * each tile lies on the image and on its input. Only the detector that prepared it can run and finish it.
 */
public final class PreparedImage {

    /** A tile of the image and where it landed on its input. */
    record Placed(TilePlan.Tile tile, Letterbox letterbox) {
    }

    final CellDetector owner;
    final float[] input;
    final List<Placed> tiles;
    final int blocks;
    final int imageWidth;
    final int imageHeight;
    final ImageScale scale;
    final double factor;
    /** The image, kept when its scale is to be estimated from this pass's cells; null otherwise. */
    final RgbImage pending;
    final float[] colour;
    final long prepareNanos;
    /** Why the image is not run as its scale asks (it would take too many tiles); empty when it is. */
    final List<String> notes;

    PreparedImage(CellDetector owner, float[] input, List<Placed> tiles, int blocks, int imageWidth, int imageHeight,
            ImageScale scale, double factor, RgbImage pending, float[] colour, long prepareNanos) {
        this(owner, input, tiles, blocks, imageWidth, imageHeight, scale, factor, pending, colour, prepareNanos,
                List.of());
    }

    private PreparedImage(CellDetector owner, float[] input, List<Placed> tiles, int blocks, int imageWidth,
            int imageHeight, ImageScale scale, double factor, RgbImage pending, float[] colour, long prepareNanos,
            List<String> notes) {
        this.owner = owner;
        this.input = input;
        this.tiles = List.copyOf(tiles);
        this.blocks = blocks;
        this.imageWidth = imageWidth;
        this.imageHeight = imageHeight;
        this.scale = scale;
        this.factor = factor;
        this.pending = pending;
        this.colour = colour;
        this.prepareNanos = prepareNanos;
        this.notes = List.copyOf(notes);
    }

    PreparedImage withNote(String note) {
        List<String> more = new java.util.ArrayList<>(notes);
        more.add(note);
        return new PreparedImage(owner, input, tiles, blocks, imageWidth, imageHeight, scale, factor, pending, colour,
                prepareNanos, more);
    }

    public int imageWidth() {
        return imageWidth;
    }

    public int imageHeight() {
        return imageHeight;
    }

    /** How many tiles the image was cut into; each runs as many blocks as the detector has views. */
    public int tiles() {
        return tiles.size();
    }

    /**
     * The model input, read-only: one {@code 3 × S × S} block per view of each tile, in the order the model runs
     * them. For benchmarks that time ONNX Runtime on the very inputs a worker runs.
     */
    public FloatBuffer input() {
        return FloatBuffer.wrap(input).asReadOnlyBuffer();
    }

    /** Time spent making the input (RGB, resampling, tiles, views). */
    public long prepareNanos() {
        return prepareNanos;
    }
}
