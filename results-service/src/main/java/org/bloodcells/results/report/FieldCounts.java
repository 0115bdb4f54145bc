package org.bloodcells.results.report;

import java.util.Map;

/**
 * One counted field (image) of a slide: the cells it reports per class (an analyst's correction where there is one,
 * else the model's) and its area where its scale is known.
 *
 * @param micronsPerPixel the scale its run was stored with; null when unknown
 */
public record FieldCounts(String imageId, Map<String, Integer> counts, Double micronsPerPixel, int width, int height) {

    public int count(String cellClass) {
        return counts.getOrDefault(cellClass, 0);
    }

    /** The field's area in µm²; null when its scale is unknown. */
    public Double areaSquareMicrons() {
        return micronsPerPixel == null ? null : width * micronsPerPixel * height * micronsPerPixel;
    }
}
