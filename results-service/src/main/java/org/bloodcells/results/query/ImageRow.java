package org.bloodcells.results.query;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bloodcells.results.service.ImageStatus;
import org.bloodcells.results.service.ReviewStatus;

/**
 * One image in a list.
 *
 * @param counts      what the image reports per class: the analyst's correction where there is one
 * @param modelCounts the model's counts (its current run)
 * @param flags       why a person should look at the counts; empty when nothing is odd
 * @param doubt       how likely the model's counts are wrong, 0..1 (0 where the worker sent none)
 */
public record ImageRow(String imageId, ImageStatus status, String scannerId, String slideId, String batchId,
        Instant uploadedAt, Instant detectedAt, String modelName, String modelVersion, Map<String, Integer> counts,
        Map<String, Integer> modelCounts, ReviewStatus reviewStatus, List<String> flags, double doubt) {
}
