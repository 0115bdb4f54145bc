package org.bloodcells.detection;

/**
 * What {@link CellDetector#finish} makes of one model run on an image: its result, or one more look at it that must
 * run through the model first, the way its first look did (a worker's run lanes, a batch's run), and then be
 * finished in turn.
 */
public sealed interface DetectionStep permits DetectionStep.Done, DetectionStep.RunAgain {

    /** The image's detections, counts and scale. */
    record Done(DetectionResult result) implements DetectionStep {
    }

    /**
     * The image at another scale, to run ({@link CellDetector#infer}) and finish again: the cells found so far did
     * not tell its scale, or told one far from the scale the image ran at.
     */
    record RunAgain(PreparedImage image) implements DetectionStep {
    }
}
