package org.bloodcells.detect.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.bloodcells.detection.DetectorSettings;
import org.bloodcells.detection.ExecutionProvider;

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

    Promotion promotion();

    /** What this replica trusts from the model registry. */
    interface Promotion {

        /**
         * The registry's Ed25519 public key (Base64 of its X.509 encoding): a promotion whose signature it does not
         * verify is refused like a version that fails its checks. The trainer signs with the private half.
         */
        String publicKey();
    }

    /**
     * The ONNX model and how to run it (see models/CONTRACT.md). The post-processing settings have no default
     * here: every model carries those it was released with (chosen on val, and measured in its card), and a worker
     * runs them unless ops set one of these to change it, for every model the worker loads.
     */
    interface Detector {

        Path modelPath();

        /**
         * The SHA-256 the model file must have (64 hex digits): a file with other bytes is refused at start, and by
         * the file watch later. Required in production (the released model's, from its card); unset, any file
         * that follows the contract runs (the file-watch tests).
         */
        Optional<String> modelSha256();

        /**
         * How often the model file is checked for a new version, which is then swapped in
         * without a restart (see DetectionModel). With {@link #modelSha256()} pinned (required in
         * production) a file with other bytes is refused and the running model stays.
         */
        @WithDefault("30s")
        Duration reloadEvery();

        /**
         * Where versions promoted through the registry (and those a re-processed batch asks for) are kept once
         * fetched from the models bucket and checked against their SHA-256.
         */
        @WithDefault("/tmp/bloodcells-models")
        Path modelCacheDir();

        /**
         * How long a starting worker waits for Kafka to tell the promoted version, before it takes any image. Past
         * it, the worker runs {@code model-path} and swaps in the promoted version as soon as it reads it.
         */
        @WithDefault("20s")
        Duration promotionWait();

        /**
         * Threads ONNX Runtime may use for one model run. With {@code parallel-runs} runs at once,
         * beside {@code bloodcells.worker.prepare-threads} decoding and post-processing: on a CPU
         * they all share the worker's cores. On 2 cores two runs of one thread each do more than
         * one run of two (README benchmark).
         */
        @WithDefault("1")
        int intraOpThreads();

        /**
         * Where ONNX Runtime runs the model: {@code cpu}, {@code cuda}, {@code tensorrt} or
         * {@code auto} (CUDA where this ONNX Runtime offers it, CPU with a warning otherwise).
         * The GPU providers need the worker built with the Maven profile {@code gpu}.
         */
        @WithDefault("cpu")
        ExecutionProvider executionProvider();

        /**
         * Most images per model run. Measured on a 2-core CPU, a larger batch is slower per image
         * (see README), so 1; a GPU wants 16 to 32.
         */
        @WithDefault("1")
        int batchSize();

        /** Longest a model run waits for more prepared images once it has one. */
        @WithDefault("10ms")
        Duration batchWait();

        /**
         * Model runs at once, each with {@code intra-op-threads}. On a 2-core CPU two runs of one
         * thread each took 28 % more images per second than one run of two threads (README
         * benchmark); a GPU takes one run of a larger batch.
         */
        @WithDefault("2")
        int parallelRuns();

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

        /**
         * Threads that fetch, decode and prepare images, and post-process the model's outputs,
         * while the model runs on the next images. On a 2-core CPU one does better than two,
         * which take cores from the model (README benchmark); a GPU worker wants several.
         */
        @WithDefault("1")
        int prepareThreads();

        /**
         * Attempts to read one image while object storage is unavailable, within the batch's
         * fetch budget (what is left of the throttled committer's record age once the last
         * attempt's timeouts, the model and the publish are allowed for).
         */
        @WithDefault("3")
        int fetchAttempts();

        /** Longest a batch waits for Kafka to acknowledge its detections and dead letters. */
        @WithDefault("10s")
        Duration publishTimeout();
    }
}
