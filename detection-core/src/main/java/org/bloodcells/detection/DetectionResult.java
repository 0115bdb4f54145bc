package org.bloodcells.detection;

import java.util.List;
import java.util.Map;

/**
 * What the model found in one image.
 *
 * @param imageWidth      original width in pixels
 * @param imageHeight     original height in pixels
 * @param detections      detections in descending score order, boxes in original pixels
 * @param counts          detections counted per class (those scoring at least the class's count threshold), in the
 *                        model's class order; every class present, zeros included
 * @param inferenceMillis time spent in pre-processing, the model and post-processing; for an image of a batch,
 *                        the batch's time divided by its size
 * @param scale           the image's scale and how it was brought to the model's
 * @param outOfDistribution why the counts should not be read as trustworthy as others (doubtful counts, an unknown or
 *                        too coarse scale), with what else is unlike the images the model learnt from (colour,
 *                        confidence); empty when the image is not flagged
 * @param doubt           0..1, how likely the counts are wrong, from the model's unsureness of the cells it found
 *                        ({@code models/CONTRACT.md}); a review queue puts the most doubtful first
 */
public record DetectionResult(int imageWidth, int imageHeight, List<Detection> detections,
        Map<String, Integer> counts, long inferenceMillis, ScaleReport scale, List<String> outOfDistribution,
        double doubt) {

    public DetectionResult {
        detections = List.copyOf(detections);
        outOfDistribution = List.copyOf(outOfDistribution);
    }

    /** True when the counts should not be read as trustworthy as others. */
    public boolean flagged() {
        return !outOfDistribution.isEmpty();
    }
}
