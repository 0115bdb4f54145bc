package org.bloodcells.results.service;

import java.util.List;
import java.util.Map;

/**
 * What one model version changed in a batch's counts against another, per image and in total.
 *
 * @param images   the images that have a run of both versions, with both versions' counts and to − from
 * @param pending  the batch's images that lack a run of either version (still being processed, or failed)
 * @param totals   cells per class over the compared images, for each version, and to − from
 */
public record BatchComparison(String batchId, String model, String from, String to, List<ImageComparison> images,
        List<String> pending, Totals totals) {

    public record ImageComparison(String imageId, Map<String, Integer> from, Map<String, Integer> to,
            Map<String, Integer> difference) {
    }

    public record Totals(int images, Map<String, Long> from, Map<String, Long> to, Map<String, Long> difference) {
    }
}
