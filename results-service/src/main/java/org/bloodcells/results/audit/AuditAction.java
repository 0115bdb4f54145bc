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
    /**
     * Patient data taken out: images and their reviewed cells written as a training dataset, or a list downloaded
     * as CSV (images, aggregates, the review queue).
     */
    EXPORT,
    /** Patient data listed: images, aggregates, the review queue, a slide's counts or cells, a batch. */
    LISTING,
    /** An analyst signed a slide's report (a first signature, or an amended report signed again with a reason). */
    SIGN_OFF
}
