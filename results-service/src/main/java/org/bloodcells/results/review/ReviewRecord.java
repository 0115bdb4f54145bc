package org.bloodcells.results.review;

import java.time.Instant;
import java.util.Map;

import org.bloodcells.results.persistence.CountReview;
import org.bloodcells.results.service.ReviewStatus;

/** One review as stored: who, when, which run, the counts before and after, and why. */
public record ReviewRecord(long id, String imageId, ReviewStatus action, String reviewer, Instant reviewedAt,
        String comment, String modelName, String modelVersion, Map<String, Integer> modelCounts,
        Map<String, Integer> before, Map<String, Integer> after) {

    static ReviewRecord of(CountReview review) {
        return new ReviewRecord(review.id, review.imageId, review.action, review.reviewedBy, review.reviewedAt,
                review.comment, review.modelName, review.modelVersion, review.modelCounts, review.beforeCounts,
                review.afterCounts);
    }
}
