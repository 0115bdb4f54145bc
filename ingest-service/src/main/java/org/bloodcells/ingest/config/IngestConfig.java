package org.bloodcells.ingest.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything ingest-service reads from {@code bloodcells.*}. */
@ConfigMapping(prefix = "bloodcells")
public interface IngestConfig {

    Storage storage();

    Upload upload();

    interface Storage {

        /** S3 API endpoint, e.g. {@code http://minio:9000}. */
        String endpoint();

        String accessKey();

        String secretKey();

        /** Created at start-up when missing. */
        @WithDefault("images")
        String bucket();

        /** Connect, read and write timeout of one storage call; a slow store becomes a 503, not a hung request. */
        @WithDefault("30S")
        Duration timeout();
    }

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
