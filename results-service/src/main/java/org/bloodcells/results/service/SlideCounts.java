package org.bloodcells.results.service;

import java.util.List;
import java.util.Map;

/**
 * Cells counted on one slide.
 *
 * @param images        number of the slide's DONE images the totals are summed over
 * @param counts        cells per class over those images, each image counted by its latest run
 * @param modelVersions the model versions whose counts make up the totals
 */
public record SlideCounts(String slideId, long images, Map<String, Long> counts, List<ModelVersion> modelVersions) {
}
