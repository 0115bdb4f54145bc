package org.bloodcells.detection;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plans how an image meets the model and makes its input: the scale it runs at, the tiles it is cut into, one block
 * per view of each tile. Runs no model.
 *
 * <p>A model with a physical scale ({@link ModelDomain#hasScale()}) runs an image of known scale resampled to its
 * own: padded when it fits one input, cut into overlapping tiles when it does not. An image of unknown scale is first
 * fitted whole to the input, as a model without a scale runs every image, and its scale is searched for from the
 * cells found ({@link ScaleSearch}).
 */
final class InputPlanner {

    /** Tiles overlap by this many reference-cell diameters, more than the largest cell (a white cell is about 2). */
    static final double OVERLAP_DIAMETERS = 2.5;
    /**
     * Most tiles one image may take (a 2 400 × 1 800 field at BCCD's scale takes 30); an image that would take more
     * is fitted whole and flagged.
     */
    static final int MAX_TILES = 36;

    private final Preprocessor preprocessor;
    private final List<Flip> views;
    private final ModelDomain domain;
    private final InputBuffers buffers;

    InputPlanner(Preprocessor preprocessor, List<Flip> views, ModelDomain domain, InputBuffers buffers) {
        this.preprocessor = preprocessor;
        this.views = List.copyOf(views);
        this.domain = domain;
        this.buffers = buffers;
    }

    /**
     * The image's first input, for the detector {@code owner}: at its scale where known; else at the likely scale
     * where one is given ({@code likelyMicronsPerPixel}, NaN for none) and it is not about the whole-image fit's;
     * else fitted whole.
     */
    PreparedImage prepare(CellDetector owner, BufferedImage image, ImageScale scale, double likelyMicronsPerPixel) {
        long started = System.nanoTime();
        RgbImage rgb = RgbImage.of(image);
        if (domain.hasScale() && scale.known()) {
            return prepareAt(owner, rgb, scale.micronsPerPixel() / domain.inputMicronsPerPixel(), scale, false, null,
                    started);
        }
        double fit = Letterbox.of(rgb.width(), rgb.height(), preprocessor.inputSize()).scale();
        if (domain.hasScale() && likelyMicronsPerPixel > 0) {
            double likely = likelyMicronsPerPixel / domain.inputMicronsPerPixel();
            // About the fit's scale, the fit runs as it would without a likely scale: the same input, the same cells.
            if (Math.abs(likely / fit - 1) > ScaleSearch.ESTIMATE_TOLERANCE) {
                return prepareAt(owner, rgb, likely, scale, false,
                        ScaleSearch.startAtLikely(domain, rgb.width(), rgb.height(), scale, fit), started);
            }
        }
        ScaleSearch search = domain.hasScale()
                ? ScaleSearch.start(domain, rgb.width(), rgb.height(), scale, fit)
                : null;
        return prepareAt(owner, rgb, fit, scale, true, search, started);
    }

    /** The input of the look a scale search asks for, on the image whose scale is searched. */
    PreparedImage prepare(CellDetector owner, RgbImage rgb, ScaleSearch.Look look) {
        return prepareAt(owner, rgb, look.factor(), look.scale(), look.whole(), look.search(), System.nanoTime());
    }

    private PreparedImage prepareAt(CellDetector owner, RgbImage rgb, double factor, ImageScale scale,
            boolean fitWhole, ScaleSearch search, long started) {
        int s = preprocessor.inputSize();
        int w = rgb.width();
        int h = rgb.height();
        List<TilePlan.Tile> plan = fitWhole
                ? List.of(new TilePlan.Tile(0, 0, w, h, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE,
                        Integer.MAX_VALUE))
                // an image pixel covers factor × input µm: the overlap in image pixels follows from the factor alone
                : TilePlan.plan(w, h, factor, s, (int) Math.ceil(OVERLAP_DIAMETERS * domain.referenceMicrons()
                        / (factor * domain.inputMicronsPerPixel())));
        if (plan.size() > MAX_TILES) {
            // A coarse scale on a large image would take more model runs and memory than one image may: run it
            // fitted whole, and say why its counts are not to be trusted.
            PreparedImage whole = prepareAt(owner, rgb, Letterbox.of(w, h, s).scale(), scale, true, search, started);
            return whole.withNote(String.format(Locale.ROOT, "scale not applied: at %.3f µm per pixel "
                    + "the image would take %d tiles (at most %d)", factor * domain.inputMicronsPerPixel(),
                    plan.size(), MAX_TILES));
        }
        int length = preprocessor.tensorLength();
        int blocks = plan.size() * views.size();
        FloatBuffer input = buffers.take(Math.multiplyExact(length, blocks));
        // Bilinear resampling reads 2 source pixels per output pixel: at the model's scale, shrink by whole blocks
        // first, so that no more than half the pixels are skipped. (The whole-image fit resamples as the contract
        // and the trainer do, without it.)
        int shrink = !fitWhole && factor < 0.5 ? (int) Math.floor(1 / factor) : 1;
        List<PreparedImage.Placed> placed = new ArrayList<>(plan.size());
        int offset = 0;
        try {
            for (TilePlan.Tile tile : plan) {
                Letterbox box = fitWhole ? Letterbox.of(w, h, s)
                        : Letterbox.at(tile.width(), tile.height(), factor, s);
                preprocessor.write(rgb.crop(tile.x(), tile.y(), tile.width(), tile.height()).shrink(shrink), box,
                        views, input, offset);
                placed.add(new PreparedImage.Placed(tile, box));
                offset += views.size() * length;
            }
        } catch (RuntimeException e) {
            buffers.release(input);
            throw e;
        }
        return new PreparedImage(owner, buffers, input, placed, blocks, w, h, scale, factor, search == null ? null : rgb,
                search, rgb.meanColour(), System.nanoTime() - started);
    }
}
