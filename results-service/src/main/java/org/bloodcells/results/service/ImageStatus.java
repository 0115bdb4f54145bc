package org.bloodcells.results.service;

/**
 * Where an image is in the pipeline. Events about one image arrive in any order across topics,
 * so each transition is defined from every state, not just from the expected previous one.
 */
public enum ImageStatus {
    /** Uploaded, no result yet. */
    PENDING,
    /** At least one model run is stored. */
    DONE,
    /** A stage gave up on the image and no model run is stored. */
    FAILED;

    /** An upload event never moves an image backwards: a result or failure that overtook it stands. */
    public ImageStatus afterUpload() {
        return this;
    }

    /** A stored run makes the image DONE, even when an earlier attempt had been dead-lettered. */
    public ImageStatus afterDetections() {
        return DONE;
    }

    /** A failure cannot undo stored counts: a DONE image stays DONE, whatever stage gave up later. */
    public ImageStatus afterDeadLetter() {
        return this == DONE ? DONE : FAILED;
    }
}
