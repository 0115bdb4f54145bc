package org.bloodcells.results.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bloodcells.events.Thresholds;

/**
 * The boxes behind an image's counts, with the model version and thresholds that produced them.
 *
 * @param thresholds null for runs from workers that did not send them
 * @param cells      every box the run kept; {@code counted} says whether it is in the counts
 */
public record DetectionEvidence(String imageId, String modelName, String modelVersion, Instant detectedAt,
        int imageWidth, int imageHeight, Thresholds thresholds, Map<String, Integer> counts, List<Box> cells,
        List<String> outOfDistribution) {

    public record Box(String cellClass, double score, double x1, double y1, double x2, double y2, boolean counted) {
    }
}
