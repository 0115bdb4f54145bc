package org.bloodcells.detect.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What the detect worker can be told under {@code bloodcells.*}. Object storage is
 * {@code bloodcells.storage.*} (StorageConfig, shared with ingest-service); Kafka is configured
 * through {@code kafka.bootstrap.servers} and the {@code mp.messaging.*} channel properties.
 */
@ConfigMapping(prefix = "bloodcells")
public interface DetectWorkerConfig {

    Detector detector();

    Worker worker();

    /** The ONNX model and its post-processing (see models/CONTRACT.md). */
    interface Detector {

        Path modelPath();

        /**
         * How often the model file is checked for a new version, which is then swapped in
         * without a restart (see DetectionModel). The scheduler reads the same property.
         */
        @WithDefault("30s")
        Duration reloadEvery();

        @WithDefault("0.3")
        double scoreThreshold();

        @WithDefault("0.5")
        double nmsIouThreshold();

        @WithDefault("200")
        int maxDetections();

        /**
         * Views of each image the model sees: 1 (as is), 2 (also mirrored left-right) or 4 (also
         * top-bottom and both). The model card's headline accuracy is with 4; each view is one more
         * model run. With soft-NMS and voting, 2 matched 4 on val at half the cost; 1 gives about
         * twice the throughput of 2 for less accurate boxes.
         */
        @WithDefault("2")
        int testTimeFlips();

        /** Box voting over the views' candidates from this IoU; 0 turns it off. */
        @WithDefault("0.8")
        double boxVotingIou();

        /**
         * Gaussian soft-NMS: overlapping boxes of a class lower each other's scores by
         * exp(-IoU²/sigma) instead of the lower one being removed above nms-iou-threshold; 0 turns
         * it off (greedy NMS).
         */
        @WithDefault("0.5")
        double softNmsSigma();

        /**
         * Threads ONNX Runtime may use for one image. Images are processed one at a time per
         * worker, so this should not exceed the cores the worker is given.
         */
        @WithDefault("2")
        int intraOpThreads();
    }

    interface Worker {

        /** Names this replica in every {@code CellDetections}; the host name when unset. */
        Optional<String> id();
    }
}
