package org.bloodcells.ingest.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What ingest-service reads from {@code bloodcells.*}; object storage is {@code bloodcells.storage.*} (StorageConfig). */
@ConfigMapping(prefix = "bloodcells")
public interface IngestConfig {

    Upload upload();

    interface Upload {

        /**
         * Largest accepted image file; a larger one is rejected with 413. Unset: the platform's limit
         * ({@link org.bloodcells.images.ImageLimits#PLATFORM}, 50 MiB), which this may lower but not raise.
         */
        Optional<MemorySize> maxImageSize();

        /** Widest accepted image in pixels (422 beyond). Unset: the platform's 10 000; may be lower, not higher. */
        Optional<Integer> maxWidth();

        /** Tallest accepted image in pixels (422 beyond). Unset: the platform's 10 000; may be lower, not higher. */
        Optional<Integer> maxHeight();

        /**
         * Microns per pixel of each scanner's images, by scanner id, for uploads that do not declare their own
         * ({@code bloodcells.upload.scanner-microns-per-pixel."scanner-7"=0.072}). A declared scale wins over it, and
         * it over the scale the file's resolution tags record.
         */
        Map<String, Double> scannerMicronsPerPixel();

        /** How long an upload waits for Kafka to acknowledge its event before answering 503. */
        @WithDefault("15S")
        Duration publishTimeout();
    }
}
