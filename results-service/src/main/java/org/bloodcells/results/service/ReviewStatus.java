package org.bloodcells.results.service;

/** Where an image's counts stand with the analysts. */
public enum ReviewStatus {
    /** Nobody has reviewed them: the model's counts are reported. */
    NONE,
    /** An analyst confirmed the model's counts. */
    CONFIRMED,
    /** An analyst corrected them: the corrected counts are reported, the model's are kept beside them. */
    CORRECTED
}
