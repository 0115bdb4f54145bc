package org.bloodcells.results.review;

import java.util.Map;

import org.bloodcells.http.SignedIn;
import org.bloodcells.results.service.ReviewStatus;

/**
 * An analyst's review of an image's counts.
 *
 * @param reviewer who reviews: the signed-in user (see {@link #signedBy})
 * @param action CONFIRMED (the model's counts stand; an earlier correction is withdrawn) or CORRECTED
 * @param counts for CORRECTED, the classes whose count changes (the others keep what the image reports)
 */
public record ReviewRequest(String reviewer, ReviewStatus action, Map<String, Integer> counts, String comment) {

    /** The request signed by who is signed in (see {@link SignedIn}). */
    public ReviewRequest signedBy(String user) {
        return new ReviewRequest(SignedIn.as("reviewer", reviewer, user), action, counts, comment);
    }
}
