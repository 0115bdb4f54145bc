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
 */
public record DetectorSettings(double scoreThreshold, double nmsIouThreshold, int maxDetections, int intraOpThreads,
        int testTimeFlips, double boxVotingIou) {

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
    }

    /** One view, no box voting. */
    public DetectorSettings(double scoreThreshold, double nmsIouThreshold, int maxDetections, int intraOpThreads) {
        this(scoreThreshold, nmsIouThreshold, maxDetections, intraOpThreads, 1, 0);
    }

    /** Score 0.3, NMS IoU 0.5, 200 detections, 2 intra-op threads, one view, no box voting. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(0.3, 0.5, 200, 2);
    }

    public DetectorSettings withScoreThreshold(double threshold) {
        return new DetectorSettings(threshold, nmsIouThreshold, maxDetections, intraOpThreads, testTimeFlips,
                boxVotingIou);
    }

    public DetectorSettings withMaxDetections(int max) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, max, intraOpThreads, testTimeFlips, boxVotingIou);
    }

    public DetectorSettings withIntraOpThreads(int threads) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, threads, testTimeFlips,
                boxVotingIou);
    }

    public DetectorSettings withTestTimeAugmentation(int flips, double votingIou) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, intraOpThreads, flips, votingIou);
    }
}
