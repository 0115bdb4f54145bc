package org.bloodcells.trainer.config;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The trainer's configuration (prefix {@code bloodcells}). */
@ConfigMapping(prefix = "bloodcells")
public interface TrainerConfig {

    Models models();

    interface Models {
        /**
         * The folder of released models: {@code <name>.onnx} with its card and metrics beside it. In production a
         * mounted volume; in dev and test the repository's {@code models/}.
         */
        @WithDefault("/models")
        Path dir();
    }
}
