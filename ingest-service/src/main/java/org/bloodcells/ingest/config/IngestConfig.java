package org.bloodcells.ingest.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What ingest-service reads from {@code bloodcells.*}; object storage is {@code bloodcells.storage.*} (StorageConfig). */
@ConfigMapping(prefix = "bloodcells")
public interface IngestConfig {

    Upload upload();

    interface Upload {

        /** Largest accepted image file; a larger one is rejected with 413. */
        @WithDefault("50M")
        MemorySize maxImageSize();

        /** Widest accepted image in pixels; a wider one is rejected with 422. */
        @WithDefault("10000")
        int maxWidth();

        /** Tallest accepted image in pixels; a taller one is rejected with 422. */
        @WithDefault("10000")
        int maxHeight();

        /** How long an upload waits for Kafka to acknowledge its event before answering 503. */
        @WithDefault("15S")
        Duration publishTimeout();
    }
}
