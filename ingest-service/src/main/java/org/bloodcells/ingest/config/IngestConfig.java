package org.bloodcells.ingest.config;

import java.nio.file.Path;
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

    Bucket bucket();

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

        /** Most files in one multipart upload (400 beyond); a scanner sends the rest in further requests. */
        @WithDefault("100")
        int maxFiles();

        /**
         * Where uploads are staged while they are digested and inspected (a raw body is written here as it arrives).
         * Unset: {@code bloodcells-staging} in the JVM's temporary directory.
         */
        Optional<Path> stagingDirectory();
    }

    /** Uploads that scanners put straight into the bucket, under {@code incoming/} (README: "Uploading to the bucket"). */
    interface Bucket {

        /**
         * The object store's notification target for {@code incoming/} objects, e.g. {@code arn:minio:sqs::PRIMARY:kafka}
         * for MinIO's Kafka target named PRIMARY. When set, ingest-service subscribes the bucket's {@code incoming/}
         * puts to it at start-up; unset, the bucket's notifications are configured outside (or only the scan runs).
         */
        Optional<String> notificationTarget();

        /** How often {@code incoming/} is scanned for objects whose notification never came. */
        @WithDefault("60S")
        Duration scanInterval();

        /** How old an {@code incoming/} object must be before the scan takes it (its notification may be on its way). */
        @WithDefault("30S")
        Duration scanMinAge();

        /** Most {@code incoming/} objects one scan takes; the next scan takes the rest. */
        @WithDefault("500")
        int scanMostObjects();
    }
}
