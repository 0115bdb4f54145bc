package org.bloodcells.detect.model;

import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detection.CellDetector;
import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.ModelContractException;
import org.bloodcells.detection.ModelInfo;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

/**
 * The one ONNX Runtime session of this process. Loaded at start-up so that a missing or
 * non-conforming model stops the worker before it takes any partition, instead of
 * failing every image it receives.
 */
@Startup
@ApplicationScoped
public class DetectionModel {

    private static final Logger LOG = Logger.getLogger(DetectionModel.class);

    private final CellDetector detector;

    public DetectionModel(DetectWorkerConfig config) {
        DetectWorkerConfig.Detector settings = config.detector();
        Path modelFile = settings.modelPath().toAbsolutePath().normalize();
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalStateException("No model file at " + modelFile
                    + ": set bloodcells.detector.model-path to an ONNX file that follows models/CONTRACT.md");
        }
        DetectorSettings detectorSettings;
        try {
            detectorSettings = new DetectorSettings(settings.scoreThreshold(), settings.nmsIouThreshold(),
                    settings.maxDetections(), settings.intraOpThreads(), settings.testTimeFlips(),
                    settings.boxVotingIou(), settings.softNmsSigma());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid bloodcells.detector settings: " + e.getMessage(), e);
        }
        try {
            this.detector = CellDetector.load(modelFile, detectorSettings);
        } catch (ModelContractException e) {
            throw new IllegalStateException("Model " + modelFile + " does not follow models/CONTRACT.md: "
                    + e.getMessage(), e);
        }
        ModelInfo info = detector.model();
        LOG.infof("Loaded model %s %s from %s (classes %s, input %dx%d, %d test-time views, box voting IoU %s, "
                + "soft-NMS sigma %s)", info.name(), info.version(), modelFile, info.classes(), info.inputSize(),
                info.inputSize(), detectorSettings.testTimeFlips(), detectorSettings.boxVotingIou(),
                detectorSettings.softNmsSigma());
    }

    public CellDetector detector() {
        return detector;
    }

    public ModelInfo info() {
        return detector.model();
    }

    @PreDestroy
    void close() {
        detector.close();
    }
}
