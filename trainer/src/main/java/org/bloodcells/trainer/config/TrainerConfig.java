package org.bloodcells.trainer.config;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The trainer's configuration (prefix {@code bloodcells}). The models bucket is object storage's
 * ({@code bloodcells.storage.models-bucket}, StorageConfig); Kafka and the datasource are Quarkus' own.
 */
@ConfigMapping(prefix = "bloodcells")
public interface TrainerConfig {

    Models models();

    Training training();

    Evaluation evaluation();

    Promotion promotion();

    Site site();

    interface Models {
        /**
         * The folder of released models ({@code <name>.onnx} with its card and metrics): each one the registry does
         * not hold yet is imported at start, as the promoted version when its name has none. In production the
         * files the image carries; in dev and test the repository's {@code models/}.
         */
        @WithDefault("/models")
        Path dir();
    }

    interface Training {
        /** Where datasets live, one PASCAL VOC folder per name: a training run's {@code dataset} is a name here. */
        @WithDefault("/datasets")
        Path datasetsDir();

        /** Where training runs write their checkpoints, logs and exported models. */
        @WithDefault("/tmp/bloodcells-training")
        Path workDir();

        /**
         * The PyTorch sources ({@code trainer/python}). The interpreter is {@code $TRAINER_PYTHON}, else the first
         * {@code python3} that imports torch, torchvision and onnx.
         */
        @WithDefault("/opt/trainer/python")
        Path pythonSources();

        /** CPU threads one training run may use; 0 lets PyTorch choose. */
        @WithDefault("0")
        int threads();
    }

    /** The held-back split every version is measured on, with the workers' own Java detection core. */
    interface Evaluation {
        /** A dataset name under {@code bloodcells.training.datasets-dir}. */
        @WithDefault("bccd")
        String dataset();

        /** Never trained on: BCCD's {@code test}. */
        @WithDefault("test")
        String split();

        /**
         * Only the split's first N images (quick checks and tests; a version's figures name how many images they
         * are over, and the gate compares figures over the same images only). Unset: all of them.
         */
        Optional<Integer> limit();

        /** ONNX Runtime threads for the evaluation. */
        @WithDefault("2")
        int threads();
    }

    /** The promotion gate: how much worse than the promoted version a candidate may be on the held-back split. */
    interface Promotion {
        /** Largest drop in AP@0.5 allowed. */
        @WithDefault("0.005")
        double ap50Tolerance();

        /** Largest drop in AP@[.5:.95] allowed. */
        @WithDefault("0.005")
        double apTolerance();

        /**
         * The registry's Ed25519 private key (Base64 of its PKCS#8 encoding), with which every promotion published is
         * signed; workers and results-service hold its public key. From a Secret in deployments; the local run and
         * the tests make a key pair at start.
         */
        String signingKey();

        /**
         * The public half, as the workers and results-service hold it: the trainer refuses to start when it does not
         * verify what {@code signing-key} signs (every promotion would be refused).
         */
        String publicKey();
    }

    /**
     * A site fine-tune: the promoted version taught a site's own microscope from its analysts' corrections (the
     * dataset results-service exports to the images bucket), judged by the site gate. Its defaults fit issue 24's
     * budget of 30 minutes on 2 cores for 50 to 200 images: 20 minutes of training, then the calibration on the
     * site's val split and the evaluations of both versions on its test split and BCCD test.
     */
    interface Site {
        /** Minutes of training when the request names none (the trainer's {@code --time-budget}). */
        @WithDefault("20")
        double trainingMinutes();

        /** Share of the training samples drawn from BCCD's train and val splits, so the model keeps what it knew. */
        @WithDefault("0.5")
        double mixShare();

        /** Fewest images the site's train split may have. */
        @WithDefault("10")
        int minTrainImages();

        /** Largest drop in AP@0.5 on the held-back split (BCCD test) the site gate lets through. */
        @WithDefault("0.01")
        double bccdAp50Tolerance();
    }
}
