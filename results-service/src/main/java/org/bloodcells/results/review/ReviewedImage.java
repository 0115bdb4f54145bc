package org.bloodcells.results.review;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bloodcells.results.service.ReviewStatus;

/**
 * An image's current run as analysts reviewed it, cell by cell.
 *
 * @param counts       the reviewed cells' counts: what the image reports once it has edits
 * @param modelCounts  the model's counts on the run
 * @param edits        how many edits the run has
 * @param confirmation the latest "these boxes are right", null when none
 * @param cells        every cell, deleted ones included (state DELETED, not counted)
 */
public record ReviewedImage(String imageId, long runId, String modelName, String modelVersion, int imageWidth,
        int imageHeight, ReviewStatus reviewStatus, Map<String, Integer> counts, Map<String, Integer> modelCounts,
        int edits, Confirmation confirmation, List<ReviewedCells.Cell> cells) {

    /**
     * @param current whether it covers every edit (false: the cells were edited after it)
     */
    public record Confirmation(String confirmedBy, Instant confirmedAt, Map<String, Integer> counts, boolean current,
            String comment) {
    }

    /** Whether an analyst confirmed or edited the boxes: the image is training data. */
    public boolean reviewed() {
        return edits > 0 || confirmation != null;
    }
}
