package org.bloodcells.detection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why an image's counts should not be read as trustworthy as others: its scale could not be told or is coarser than
 * the model can resolve, its colours lie outside those of the training images, or the model is unsure of more of its
 * cells than it was of any training image's. Each check runs only where the model carries the figures for it.
 */
final class DomainCheck {

    /** An image whose pixels cover more than this many of the model's input pixels is upsampled past its detail. */
    static final double COARSEST = 2.5;
    /** A mean colour further than this many standard deviations from the training images' is unlike them. */
    static final double COLOUR_Z = 4.0;
    private DomainCheck() {
    }

    /**
     * @param floor the model's own score threshold: the confidence profile is taken over the detections above it,
     *              whatever threshold the detector was given
     */
    static List<String> reasons(ModelDomain domain, double floor, ScaleReport scale, float[] colour,
            List<Detection> detections) {
        List<String> reasons = new ArrayList<>();
        if (domain.hasScale()) {
            if (!scale.scale().known()) {
                reasons.add(String.format(Locale.ROOT, "scale unknown: none declared and fewer than %d %s confidently "
                        + "found to measure it", ScaleEstimate.MIN_REFERENCE_CELLS, domain.referenceClass()));
            } else if (scale.scale().micronsPerPixel() > COARSEST * domain.inputMicronsPerPixel()) {
                reasons.add(String.format(Locale.ROOT, "scale too coarse: %.3f µm per pixel (%s), the model runs at "
                        + "%.3f", scale.scale().micronsPerPixel(), scale.scale().source().name().toLowerCase(Locale.ROOT),
                        domain.inputMicronsPerPixel()));
            }
        }
        if (domain.colourMean() != null) {
            float[] mean = domain.colourMean();
            float[] std = domain.colourStd();
            double worst = 0;
            for (int c = 0; c < 3; c++) {
                worst = Math.max(worst, Math.abs(colour[c] - mean[c]) / std[c]);
            }
            if (worst > COLOUR_Z) {
                reasons.add(String.format(Locale.ROOT, "colour unlike the training images: mean RGB %.0f,%.0f,%.0f "
                        + "against %.0f,%.0f,%.0f (± %.0f,%.0f,%.0f), %.1f standard deviations away", colour[0],
                        colour[1], colour[2], mean[0], mean[1], mean[2], std[0], std[1], std[2], worst));
            }
        }
        if (!Double.isNaN(domain.uncertainShareLimit())) {
            double share = ModelDomain.uncertainShare(detections, floor);
            if (share > domain.uncertainShareLimit()) {
                long found = detections.stream().filter(d -> d.score() >= floor).count();
                reasons.add(String.format(Locale.ROOT, "confidence unlike the training images: %.0f%% of %d "
                        + "cells scored below %.1f (training images at most %.0f%%)", 100 * share, found,
                        ModelDomain.CONFIDENT, 100 * domain.uncertainShareLimit()));
            }
        }
        return reasons;
    }
}
