package org.bloodcells.storage;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The S3 API server that holds the uploaded images, under {@code bloodcells.storage.*}. */
@ConfigMapping(prefix = "bloodcells.storage")
public interface StorageConfig {

    /** e.g. {@code http://minio:9000} */
    String endpoint();

    String accessKey();

    String secretKey();

    /** Where uploads go, and the bucket the readiness check asks for. */
    @WithDefault("images")
    String bucket();

    /**
     * The model registry's files: each version's ONNX file, card and metrics under {@code <name>/<version>/}
     * (ModelObjects). The trainer writes them; workers read the versions they are told to run.
     */
    @WithDefault("models")
    String modelsBucket();

    /**
     * Read and write timeout of one storage call; with the connect timeout, also the longest the
     * whole call may take. MinIO's own default is five minutes: an upload would hang instead of
     * answering 503, and a worker would hold its partition.
     */
    @WithDefault("30S")
    Duration timeout();

    /** How long to wait for a TCP connection to the store. */
    @WithDefault("5S")
    Duration connectTimeout();
}
