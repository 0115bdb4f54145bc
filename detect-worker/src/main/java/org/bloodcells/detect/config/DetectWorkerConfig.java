package org.bloodcells.detect.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.bloodcells.detection.DetectorSettings;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What the detect worker can be told under {@code bloodcells.*}; each default lives here or, for post-processing,
 * in the model. Object storage is {@code bloodcells.storage.*} (StorageConfig, shared with ingest-service); Kafka is
 * configured through {@code kafka.bootstrap.servers} and the {@code mp.messaging.*} channel properties.
 */
@ConfigMapping(prefix = "bloodcells")
public interface DetectWorkerConfig {

    Detector detector();

    Worker worker();

    /**
     * The ONNX model and how to run it (see models/CONTRACT.md). The post-processing settings have no default
     * here: every model carries those it was released with (chosen on val, and measured in its card), and a worker
     * runs them unless ops set one of these to change it, for every model the worker loads.
     */
    interface Detector {

        Path modelPath();

        /**
         * How often the model file is checked for a new version, which is then swapped in
         * without a restart (see DetectionModel).
         */
        @WithDefault("30s")
        Duration reloadEvery();

        /**
         * Threads ONNX Runtime may use for one image. Images are processed one at a time per
         * worker, so this should not exceed the cores the worker is given.
         */
        @WithDefault("2")
        int intraOpThreads();

        /** A detection needs a class score above this. Unset: the model's {@code score_threshold}. */
        Optional<Double> scoreThreshold();

        /** Greedy NMS IoU within a class. Unset: the model's {@code nms_iou_threshold}. */
        Optional<Double> nmsIouThreshold();

        /** Most detections per image. Unset: the model's {@code max_detections}. */
        Optional<Integer> maxDetections();

        /**
         * Views of each image the model sees: 1 (as is), 2 (also mirrored left-right) or 4 (also
         * top-bottom and both); each view is one more model run. Unset: the model's {@code test_time_flips}
         * (2 for the released model; 1 gives about twice the throughput for less accurate boxes).
         */
        Optional<Integer> testTimeFlips();

        /** Box voting over the views' candidates from this IoU, 0 = off. Unset: the model's {@code box_voting_iou}. */
        Optional<Double> boxVotingIou();

        /**
         * Gaussian soft-NMS sigma, 0 = greedy NMS. Unset: the model's {@code soft_nms_sigma}.
         */
        Optional<Double> softNmsSigma();

        /** The model's own settings with those set here in their place. */
        default UnaryOperator<DetectorSettings> overrides() {
            return model -> {
                DetectorSettings s = model;
                s = scoreThreshold().map(s::withScoreThreshold).orElse(s);
                s = nmsIouThreshold().map(s::withNmsIouThreshold).orElse(s);
                s = maxDetections().map(s::withMaxDetections).orElse(s);
                s = testTimeFlips().map(s::withTestTimeFlips).orElse(s);
                s = boxVotingIou().map(s::withBoxVotingIou).orElse(s);
                return softNmsSigma().map(s::withSoftNmsSigma).orElse(s);
            };
        }
    }

    interface Worker {

        /** Names this replica in every {@code CellDetections}; the host name when unset. */
        Optional<String> id();
    }
}
