package org.bloodcells.events;

import java.util.Map;

/**
 * The post-processing a run's boxes and counts came from, so that an analyst looking at the boxes knows which were
 * counted and why.
 *
 * @param score          a box is kept when its class score is above this (0..1)
 * @param count          per class, the score from which a kept box is counted (at least {@code score})
 * @param postProcessing the whole post-processing in words (views, box voting, NMS, most detections)
 */
public record Thresholds(double score, Map<String, Double> count, String postProcessing) {

    public Thresholds {
        count = count == null ? Map.of() : Map.copyOf(count);
    }

    /** Whether a box of this class and score counts. */
    public boolean counts(String cellClass, double cellScore) {
        return cellScore >= count.getOrDefault(cellClass, score);
    }
}
