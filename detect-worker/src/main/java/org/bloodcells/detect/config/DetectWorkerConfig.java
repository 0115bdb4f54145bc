package org.bloodcells.detect.config;

import java.nio.file.Path;
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

        @WithDefault("0.3")
        double scoreThreshold();

        @WithDefault("0.5")
        double nmsIouThreshold();

        @WithDefault("200")
        int maxDetections();

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
