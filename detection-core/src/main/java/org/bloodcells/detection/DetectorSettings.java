package org.bloodcells.detection;

/**
 * How a {@link CellDetector} turns a model's outputs into detections. Every model carries its own, chosen on val when
 * it was released (metadata keys in {@code models/CONTRACT.md}); {@link CellDetector#load} starts from those, and a
 * caller changes only what it has a reason to (the evaluator: COCO's score threshold and detection count; ops: fewer
 * views for throughput).
 *
 * @param scoreThreshold  a detection needs a class score above this (0..1); metadata {@code score_threshold}
 * @param nmsIouThreshold within one class, a box whose IoU with a higher-scoring kept box exceeds this is suppressed;
 *                        metadata {@code nms_iou_threshold}
 * @param maxDetections   most detections returned per image, highest scores first; metadata {@code max_detections}
 * @param testTimeFlips   how many views of each image the model sees: 1 (as is), 2 (also mirrored left-right) or 4
 *                        (also top-bottom and both); boxes from every view enter one NMS. Costs that many model runs.
 *                        Metadata {@code test_time_flips}
 * @param boxVotingIou    0 to keep each surviving box as the model drew it; otherwise a surviving box becomes the
 *                        score-weighted mean of every candidate of its class (from every view) whose IoU with it is
 *                        at least this, which tightens boxes where the views disagree slightly. Metadata
 *                        {@code box_voting_iou}
 * @param softNmsSigma    0 for greedy NMS at {@code nmsIouThreshold}; otherwise Gaussian soft-NMS (Bodla et al.
 *                        2017): each kept box multiplies the scores of the others of its class by
 *                        {@code exp(-IoU² / sigma)} instead of removing those above the IoU threshold, and a box
 *                        whose score falls to the score threshold is dropped. Touching cells keep both boxes.
 *                        Metadata {@code soft_nms_sigma}
 */
public record DetectorSettings(double scoreThreshold, double nmsIouThreshold, int maxDetections, int testTimeFlips,
        double boxVotingIou, double softNmsSigma) {

    public DetectorSettings {
        if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("scoreThreshold must be within 0..1, was " + scoreThreshold);
        }
        if (!(nmsIouThreshold > 0 && nmsIouThreshold <= 1)) {
            throw new IllegalArgumentException("nmsIouThreshold must be within (0, 1], was " + nmsIouThreshold);
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException("maxDetections must be at least 1, was " + maxDetections);
        }
        if (testTimeFlips != 1 && testTimeFlips != 2 && testTimeFlips != 4) {
            throw new IllegalArgumentException("testTimeFlips must be 1, 2 or 4, was " + testTimeFlips);
        }
        if (!(boxVotingIou >= 0 && boxVotingIou <= 1)) {
            throw new IllegalArgumentException("boxVotingIou must be 0 (off) or within (0, 1], was " + boxVotingIou);
        }
        if (!(softNmsSigma >= 0 && softNmsSigma < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("softNmsSigma must be 0 (greedy NMS) or positive, was " + softNmsSigma);
        }
    }

    public DetectorSettings withScoreThreshold(double threshold) {
        return new DetectorSettings(threshold, nmsIouThreshold, maxDetections, testTimeFlips, boxVotingIou,
                softNmsSigma);
    }

    public DetectorSettings withNmsIouThreshold(double iou) {
        return new DetectorSettings(scoreThreshold, iou, maxDetections, testTimeFlips, boxVotingIou, softNmsSigma);
    }

    public DetectorSettings withMaxDetections(int max) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, max, testTimeFlips, boxVotingIou, softNmsSigma);
    }

    public DetectorSettings withTestTimeFlips(int flips) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, flips, boxVotingIou, softNmsSigma);
    }

    public DetectorSettings withBoxVotingIou(double votingIou) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, testTimeFlips, votingIou,
                softNmsSigma);
    }

    public DetectorSettings withSoftNmsSigma(double sigma) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, testTimeFlips, boxVotingIou,
                sigma);
    }

    /**
     * For people and logs, e.g.
     * {@code score > 0.3, 2 views, box voting IoU 0.8, soft-NMS sigma 0.5, at most 200 detections}.
     */
    public String describe() {
        return "score > " + scoreThreshold + ", " + testTimeFlips + (testTimeFlips == 1 ? " view" : " views")
                + ", box voting " + (boxVotingIou > 0 ? "IoU " + boxVotingIou : "off") + ", "
                + (softNmsSigma > 0 ? "soft-NMS sigma " + softNmsSigma : "greedy NMS IoU " + nmsIouThreshold)
                + ", at most " + maxDetections + " detections";
    }
}
