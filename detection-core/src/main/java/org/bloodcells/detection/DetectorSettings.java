package org.bloodcells.detection;

/**
 * Post-processing and runtime settings of a {@link CellDetector}; the services fill them from configuration.
 *
 * @param scoreThreshold  a detection needs a class score above this (0..1)
 * @param nmsIouThreshold within one class, a box whose IoU with a higher-scoring kept box exceeds this is suppressed
 * @param maxDetections   most detections returned per image, highest scores first
 * @param intraOpThreads  ONNX Runtime threads one model run may use; callers running detections in parallel should
 *                        keep {@code intraOpThreads × callers} within the machine's cores
 * @param testTimeFlips   how many views of each image the model sees: 1 (as is), 2 (also mirrored left-right) or 4
 *                        (also top-bottom and both); boxes from every view enter one NMS. Costs that many model runs.
 * @param boxVotingIou    0 to keep each surviving box as the model drew it; otherwise a surviving box becomes the
 *                        score-weighted mean of every candidate of its class (from every view) whose IoU with it is
 *                        at least this, which tightens boxes where the views disagree slightly
 * @param softNmsSigma    0 for greedy NMS at {@code nmsIouThreshold}; otherwise Gaussian soft-NMS (Bodla et al.
 *                        2017): each kept box multiplies the scores of the others of its class by
 *                        {@code exp(-IoU² / sigma)} instead of removing those above the IoU threshold, and a box
 *                        whose score falls to the score threshold is dropped. Touching cells keep both boxes.
 */
public record DetectorSettings(double scoreThreshold, double nmsIouThreshold, int maxDetections, int intraOpThreads,
        int testTimeFlips, double boxVotingIou, double softNmsSigma) {

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
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be at least 1, was " + intraOpThreads);
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

    /** One view, no box voting, greedy NMS. */
    public DetectorSettings(double scoreThreshold, double nmsIouThreshold, int maxDetections, int intraOpThreads) {
        this(scoreThreshold, nmsIouThreshold, maxDetections, intraOpThreads, 1, 0, 0);
    }

    /** Score 0.3, NMS IoU 0.5, 200 detections, 2 intra-op threads, one view, no box voting, greedy NMS. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(0.3, 0.5, 200, 2);
    }

    public DetectorSettings withScoreThreshold(double threshold) {
        return new DetectorSettings(threshold, nmsIouThreshold, maxDetections, intraOpThreads, testTimeFlips,
                boxVotingIou, softNmsSigma);
    }

    public DetectorSettings withMaxDetections(int max) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, max, intraOpThreads, testTimeFlips, boxVotingIou,
                softNmsSigma);
    }

    public DetectorSettings withIntraOpThreads(int threads) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, threads, testTimeFlips,
                boxVotingIou, softNmsSigma);
    }

    public DetectorSettings withTestTimeAugmentation(int flips, double votingIou) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, intraOpThreads, flips, votingIou,
                softNmsSigma);
    }

    public DetectorSettings withSoftNms(double sigma) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, intraOpThreads, testTimeFlips,
                boxVotingIou, sigma);
    }
}
