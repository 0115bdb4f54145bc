package org.bloodcells.detection;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * An image made into one model's input by {@link CellDetector#prepare}: one block per view of each tile, and where
 * each tile lies on the image and on its input; or a further look at an image whose scale is searched for, which
 * {@link CellDetector#finish} asks for ({@link DetectionStep.RunAgain}). Only the detector that prepared it can run
 * and finish it.
 */
public final class PreparedImage {

    /** A tile of the image and where it landed on its input. */
    record Placed(TilePlan.Tile tile, Letterbox letterbox) {
    }

    final CellDetector owner;
    private final InputBuffers buffers;
    /** The model input in native memory; null once it has run (or was discarded) and went back for reuse. */
    private FloatBuffer input;
    final List<Placed> tiles;
    final int blocks;
    final int imageWidth;
    final int imageHeight;
    final ImageScale scale;
    final double factor;
    /** The image, kept while its scale is searched for; null otherwise. */
    final RgbImage pending;
    /** Where the search for the image's scale stands with this look; null when its scale is not searched for. */
    final ScaleSearch search;
    final float[] colour;
    final long prepareNanos;
    /** Time the image's earlier looks took (preparing, the model, post-processing); 0 on its first. */
    final long earlierNanos;
    /** Why the image is not run as its scale asks (it would take too many tiles); empty when it is. */
    final List<String> notes;

    PreparedImage(CellDetector owner, InputBuffers buffers, FloatBuffer input, List<Placed> tiles, int blocks, int imageWidth, int imageHeight,
            ImageScale scale, double factor, RgbImage pending, ScaleSearch search, float[] colour,
            long prepareNanos) {
        this(owner, buffers, input, tiles, blocks, imageWidth, imageHeight, scale, factor, pending, search, colour,
                prepareNanos, 0, List.of());
    }

    private PreparedImage(CellDetector owner, InputBuffers buffers, FloatBuffer input, List<Placed> tiles, int blocks, int imageWidth,
            int imageHeight, ImageScale scale, double factor, RgbImage pending, ScaleSearch search, float[] colour,
            long prepareNanos, long earlierNanos, List<String> notes) {
        this.owner = owner;
        this.buffers = buffers;
        this.input = input;
        this.tiles = List.copyOf(tiles);
        this.blocks = blocks;
        this.imageWidth = imageWidth;
        this.imageHeight = imageHeight;
        this.scale = scale;
        this.factor = factor;
        this.pending = pending;
        this.search = search;
        this.colour = colour;
        this.prepareNanos = prepareNanos;
        this.earlierNanos = earlierNanos;
        this.notes = List.copyOf(notes);
    }

    PreparedImage withNote(String note) {
        List<String> more = new java.util.ArrayList<>(notes);
        more.add(note);
        return new PreparedImage(owner, buffers, take(), tiles, blocks, imageWidth, imageHeight, scale, factor,
                pending, search, colour, prepareNanos, earlierNanos, more);
    }

    /** This look, after earlier looks of the same image that took {@code nanos}. */
    PreparedImage after(long nanos) {
        return new PreparedImage(owner, buffers, take(), tiles, blocks, imageWidth, imageHeight, scale, factor,
                pending, search, colour, prepareNanos, nanos, notes);
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
     * them. For benchmarks that time ONNX Runtime on the very inputs a worker runs. A view of native memory reused for
     * later images: valid only until this image runs or is discarded, so copy what is to be kept.
     *
     * @throws IllegalStateException once the image has run or was discarded
     */
    public synchronized FloatBuffer input() {
        if (input == null) {
            throw new IllegalStateException("the image's input has already run");
        }
        return input.duplicate().rewind().asReadOnlyBuffer();
    }

    /**
     * The input, handed over to the one model run it is for; this image no longer holds it.
     *
     * @throws IllegalStateException if it has already run or been discarded
     */
    synchronized FloatBuffer take() {
        if (input == null) {
            throw new IllegalStateException("the image's input has already run");
        }
        FloatBuffer taken = input;
        input = null;
        return taken;
    }

    /** Gives an input back for reuse once its model run is over. */
    void release(FloatBuffer used) {
        buffers.release(used);
    }

    /**
     * Gives the input's native memory back for the next image without running it (an image prepared for nothing
     * but its input, as a benchmark does). Does nothing once it has run.
     */
    public synchronized void discard() {
        if (input != null) {
            buffers.release(input);
            input = null;
        }
    }

    /** Time spent making the input (RGB, resampling, tiles, views). */
    public long prepareNanos() {
        return prepareNanos;
    }
}
