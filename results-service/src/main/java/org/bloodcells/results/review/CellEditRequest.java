package org.bloodcells.results.review;

/**
 * An analyst's edit of one box of an image's current run. The editor is who is signed in, never a name in the body.
 *
 * @param cell      the cell's key (RECLASSIFY, DELETE): {@code m<index>} or {@code d<id>}, see {@link ReviewedCells}
 * @param cellClass the new class (RECLASSIFY, ADD): RBC, WBC or Platelets
 * @param box       the drawn box (ADD), in the image's pixels
 * @param runId     optional: the run the client saw; refused (409) when the image's current run is another
 */
public record CellEditRequest(CellEditAction action, String cell, String cellClass, Box box, String comment,
        Long runId) {

    public record Box(Double x1, Double y1, Double x2, Double y2) {
    }
}
