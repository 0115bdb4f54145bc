package org.bloodcells.detection;

/**
 * Post-processing and runtime settings of a {@link CellDetector}; the services fill them from configuration.
 *
 * @param scoreThreshold  a detection needs a class score above this (0..1)
 * @param nmsIouThreshold within one class, a box whose IoU with a higher-scoring kept box exceeds this is suppressed
 * @param maxDetections   most detections returned per image, highest scores first
 * @param intraOpThreads  ONNX Runtime threads one model run may use; callers running detections in parallel should
 *                        keep {@code intraOpThreads × callers} within the machine's cores
 */
public record DetectorSettings(double scoreThreshold, double nmsIouThreshold, int maxDetections, int intraOpThreads) {

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
    }

    /** Score 0.3, NMS IoU 0.5, 200 detections, 2 intra-op threads. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(0.3, 0.5, 200, 2);
    }

    public DetectorSettings withScoreThreshold(double threshold) {
        return new DetectorSettings(threshold, nmsIouThreshold, maxDetections, intraOpThreads);
    }

    public DetectorSettings withMaxDetections(int max) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, max, intraOpThreads);
    }

    public DetectorSettings withIntraOpThreads(int threads) {
        return new DetectorSettings(scoreThreshold, nmsIouThreshold, maxDetections, threads);
    }
}
