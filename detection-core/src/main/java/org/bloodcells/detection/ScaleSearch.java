package org.bloodcells.detection;

import java.util.List;

/**
 * How the scale of an image of unknown scale is found, one model run at a time: the image is first fitted whole to
 * the model's input; its scale is measured from the cells found ({@link ScaleEstimate}); where too few reference
 * cells are found, it is looked at again at other magnifications ({@link #SEARCH}), the first look that finds enough
 * telling the scale; where the measured scale lies more than {@value #ESTIMATE_TOLERANCE} from the look that measured
 * it, the image runs once more at the measured scale.
 *
 * <p>Immutable: each look's state says what its cells lead to ({@link #after}), the image's detections and scale or
 * the next look to run. It runs no model, so the caller runs every look the way it runs the first.
 */
final class ScaleSearch {

    /** How far an estimated scale may lie from the look that measured it before the image is run again at it. */
    static final double ESTIMATE_TOLERANCE = 0.15;
    /**
     * Where the whole-image fit finds too few reference cells to tell the scale, the magnifications (relative to the
     * fit) tried next, in order: half (a magnified field), twice (a wide field, in tiles), a third.
     */
    static final double[] SEARCH = {0.5, 2, 1.0 / 3};

    /** What the cells of a look lead to. */
    sealed interface Next permits Settled, Look {
    }

    /**
     * The image's detections and scale.
     *
     * @param notes why the measured scale was not applied (it would take too many tiles); empty when it was
     */
    record Settled(List<Detection> detections, ScaleReport scale, List<String> notes) implements Next {
    }

    /**
     * The image to be run again at {@code factor} input pixels per image pixel, its scale taken as {@code scale};
     * {@code whole}: fitted whole to the input, as an image of unknown scale first is.
     */
    record Look(ScaleSearch search, double factor, ImageScale scale, boolean whole) implements Next {

        Look(ScaleSearch search, double factor, ImageScale scale) {
            this(search, factor, scale, false);
        }
    }

    private final ModelDomain domain;
    private final int width;
    private final int height;
    private final ImageScale given;
    private final double fit;
    /** The index in {@link #SEARCH} of the look after this one; {@link #LIKELY} on a look at a likely scale. */
    private final int next;
    /** The whole-image fit's detections, kept while other magnifications are tried; null on the fit itself. */
    private final List<Detection> fitted;
    /** The scale measured, when this look runs at it; null before. */
    private final ImageScale measured;

    private ScaleSearch(ModelDomain domain, int width, int height, ImageScale given, double fit, int next,
            List<Detection> fitted, ImageScale measured) {
        this.domain = domain;
        this.width = width;
        this.height = height;
        this.given = given;
        this.fit = fit;
        this.next = next;
        this.fitted = fitted;
        this.measured = measured;
    }

    /**
     * The search for a {@code width × height} image's scale, starting with its whole-image fit.
     *
     * @param given the image's scale as given (unknown)
     * @param fit   the whole-image fit: input pixels per image pixel
     */
    static ScaleSearch start(ModelDomain domain, int width, int height, ImageScale given, double fit) {
        return new ScaleSearch(domain, width, height, given, fit, 0, null, null);
    }

    /** {@link #next} of a first look run at a likely scale rather than the whole-image fit. */
    private static final int LIKELY = -1;

    /**
     * The search for the scale of an image whose scale is likely known (its scanner's earlier images measured it),
     * starting with a look at that scale: where the cells found there confirm it (within
     * {@value #ESTIMATE_TOLERANCE}), one model run settles the image; where they tell another, the image runs at that
     * one; where they tell none, the search starts over from the whole-image fit, as for any image.
     */
    static ScaleSearch startAtLikely(ModelDomain domain, int width, int height, ImageScale given, double fit) {
        return new ScaleSearch(domain, width, height, given, fit, LIKELY, null, null);
    }

    /**
     * What this look's cells lead to.
     *
     * @param found  the look's detections, in image pixels
     * @param ranAt  the input pixels per image pixel the look ran at
     * @param tiles  the tiles the look ran as
     * @param notes  why the look did not run as asked (it would take too many tiles)
     */
    Next after(List<Detection> found, double ranAt, int tiles, List<String> notes) {
        if (measured != null) {
            return new Settled(found, new ScaleReport(measured, ranAt, tiles), notes);
        }
        List<Detection> whole = fitted == null ? found : fitted;
        double mpp = ScaleEstimate.micronsPerPixel(found, domain, width, height);
        if (Double.isNaN(mpp)) {
            if (next == LIKELY) {
                // The likely scale told nothing: this image is not like its scanner's others.
                return new Look(start(domain, width, height, given, fit), fit, given, true);
            }
            // Cells far from the model's size are seldom found confidently: look again at other magnifications.
            if (next < SEARCH.length) {
                return new Look(new ScaleSearch(domain, width, height, given, fit, next + 1, whole, null),
                        fit * SEARCH[next], given);
            }
            return new Settled(whole, new ScaleReport(given, fit, 1), List.of());
        }
        ImageScale estimated = new ImageScale(mpp, ImageScale.Source.ESTIMATED);
        double factor = mpp / domain.inputMicronsPerPixel();
        if (Math.abs(factor / ranAt - 1) <= ESTIMATE_TOLERANCE) {
            // near enough: the look that measured it ran the image at about the model's scale
            return new Settled(found, new ScaleReport(estimated, ranAt, tiles), List.of());
        }
        return new Look(new ScaleSearch(domain, width, height, given, fit, next, whole, estimated), factor,
                estimated);
    }
}
