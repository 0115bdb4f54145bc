package org.bloodcells.results.review;

import java.util.Map;

import org.bloodcells.results.service.ReviewStatus;

/**
 * An analyst's review of an image's counts.
 *
 * @param action CONFIRMED (the model's counts stand; an earlier correction is withdrawn) or CORRECTED
 * @param counts for CORRECTED, the classes whose count changes (the others keep what the image reports)
 */
public record ReviewRequest(String reviewer, ReviewStatus action, Map<String, Integer> counts, String comment) {
}
