package org.bloodcells.results.audit;

/** What the audit trail records. */
public enum AuditAction {
    /** An image uploaded (new bytes, or known bytes into another scanner's slide and batch). */
    UPLOAD,
    /** An analyst confirmed or corrected an image's counts. */
    REVIEW,
    /** A model version promoted (rolling back is promoting an earlier one). */
    PROMOTION,
    /** A batch announced again for a model version. */
    REPROCESSING,
    /** An image deleted: its object and rows removed. */
    DELETION,
    /** Images and their reviewed cells written out as a training dataset (an export of patient data). */
    EXPORT
}
