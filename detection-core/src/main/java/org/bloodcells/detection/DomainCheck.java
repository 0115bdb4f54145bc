package org.bloodcells.detection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How far an image's counts can be trusted: a doubt figure from the model's own scores, and the reasons an analyst is
 * shown when the image is flagged.
 *
 * <p>Measured on BCCD val and the other lab's 50 site corrections ({@code model-eval}'s {@code FlagBenchmark}),
 * what tells wrong counts is the model's unsureness: the share of found cells scored below {@link
 * ModelDomain#CONFIDENT}, and white cells scored right at their count threshold. An image's colour far
 * from every source the model learnt from told nothing there (it flagged 96 of the other lab's 100 crops whether
 * their counts were right or not), so colour, and a confidence profile beyond the training images', are listed as
 * observations of a flagged image but do not flag one. A scale that is unknown or too coarse still flags: the counts
 * then come from cells seen at a size the model was not trained at.
 */
public final class DomainCheck {

    /** An image whose pixels cover more than this many of the model's input pixels is upsampled past its detail. */
    public static final double COARSEST = 2.5;
    /** A mean colour further than this many standard deviations from every source's is unlike them. */
    public static final double COLOUR_Z = 4.0;
    /** A cell scored within this of its class's count threshold may as well have been counted the other way. */
    public static final double THRESHOLD_BAND = 0.1;
    /**
     * The classes whose cells next to their count threshold make counts doubtful: white cells, one or two a field,
     * where one cell decides the count. Platelets next to theirs are on so many BCCD images (the model's weakest class)
     * that counting them flagged 24 of 87 val images, with no larger counting errors.
     */
    public static final Set<String> THRESHOLD_CLASSES = Set.of("WBC");
    /** Doubt above this flags an image (chosen on BCCD val and the site corrections). */
    public static final double DOUBT_LIMIT = 0.5;

    private DomainCheck() {
    }

    /**
     * @param doubt   0..1, how likely the counts are wrong: the larger of the share of found cells scored below
     *                {@link ModelDomain#CONFIDENT} and the nearness of the cells of classes with their own count
     *                threshold to it
     * @param reasons why the image is flagged, with what else is unlike the training images; empty when not flagged
     */
    public record Verdict(double doubt, List<String> reasons) {
    }

    /**
     * @param floor the model's own score threshold: the confidence profile is taken over the detections above it,
     *              whatever threshold the detector was given
     */
    public static Verdict check(ModelDomain domain, double floor, ScaleReport scale, float[] colour,
            List<Detection> detections) {
        List<String> flags = new ArrayList<>();
        if (domain.hasScale()) {
            if (!scale.scale().known()) {
                flags.add(String.format(Locale.ROOT, "scale unknown: none declared and fewer than %d %s confidently "
                        + "found to measure it", ScaleEstimate.MIN_REFERENCE_CELLS, domain.referenceClass()));
            } else if (scale.scale().micronsPerPixel() > COARSEST * domain.inputMicronsPerPixel()) {
                flags.add(String.format(Locale.ROOT, "scale too coarse: %.3f µm per pixel (%s), the model runs at "
                        + "%.3f", scale.scale().micronsPerPixel(), scale.scale().source().name().toLowerCase(Locale.ROOT),
                        domain.inputMicronsPerPixel()));
            }
        }
        List<Detection> found = detections.stream().filter(d -> d.score() >= floor).toList();
        double share = ModelDomain.uncertainShare(detections, floor);
        double unsure = Double.isNaN(share) ? 0 : share;
        double nearest = 0;
        Detection atThreshold = null;
        for (Detection d : found) {
            Double own = domain.countThresholds().get(d.cellClass());
            if (own == null || own <= floor || !THRESHOLD_CLASSES.contains(d.cellClass())) {
                continue;
            }
            double near = Math.max(0, 1 - Math.abs(d.score() - own) / THRESHOLD_BAND);
            nearest += near;
            if (near > 0 && (atThreshold == null || Math.abs(d.score() - own)
                    < Math.abs(atThreshold.score() - domain.countThresholds().get(atThreshold.cellClass())))) {
                atThreshold = d;
            }
        }
        double doubt = Math.max(unsure, Math.min(1, nearest));
        if (unsure > DOUBT_LIMIT) {
            flags.add(String.format(Locale.ROOT, "counts doubtful: the model was unsure (score below %.1f) of %.0f%% "
                    + "of the %d cells it found", ModelDomain.CONFIDENT, 100 * unsure, found.size()));
        }
        if (Math.min(1, nearest) > DOUBT_LIMIT) {
            Map<String, Double> thresholds = domain.countThresholds();
            flags.add(String.format(Locale.ROOT, "counts doubtful: a %s scored %.2f, next to the %.2f it is counted "
                    + "from", atThreshold.cellClass(), atThreshold.score(), thresholds.get(atThreshold.cellClass())));
        }
        if (flags.isEmpty()) {
            return new Verdict(doubt, List.of());
        }
        ModelDomain.ColourDomain nearestColour = domain.nearestColour(colour);
        if (nearestColour != null && nearestColour.distance(colour) > COLOUR_Z) {
            float[] mean = nearestColour.mean();
            float[] std = nearestColour.std();
            flags.add(String.format(Locale.ROOT, "colour unlike the images the model learnt from: mean RGB "
                    + "%.0f,%.0f,%.0f against %s's %.0f,%.0f,%.0f (± %.0f,%.0f,%.0f), %.1f standard deviations away",
                    colour[0], colour[1], colour[2], nearestColour.source(), mean[0], mean[1], mean[2], std[0], std[1],
                    std[2], nearestColour.distance(colour)));
        }
        if (!Double.isNaN(domain.uncertainShareLimit()) && unsure > domain.uncertainShareLimit()) {
            flags.add(String.format(Locale.ROOT, "confidence unlike the training images: %.0f%% of %d cells scored "
                    + "below %.1f (training images at most %.0f%%)", 100 * unsure, found.size(), ModelDomain.CONFIDENT,
                    100 * domain.uncertainShareLimit()));
        }
        return new Verdict(doubt, List.copyOf(flags));
    }
}
