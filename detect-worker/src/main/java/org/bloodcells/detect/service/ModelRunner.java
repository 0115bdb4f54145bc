package org.bloodcells.detect.service;

import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectionResult;
import org.bloodcells.detection.ModelInfo;
import org.bloodcells.images.UnusableImageException;

/** Runs the model the worker holds right now on one image; the run names the model that ran. */
@FunctionalInterface
public interface ModelRunner {

    /** One image's detections and the model that found them. */
    record Run(DetectionResult result, ModelInfo model) {
    }

    Run detect(byte[] imageBytes) throws UnusableImageException;

    /** Always the same detector. */
    static ModelRunner of(CellDetector detector) {
        return imageBytes -> new Run(detector.detect(imageBytes), detector.model());
    }
}
