package org.bloodcells.detect.storage;

import java.time.Duration;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.bloodcells.detect.config.DetectWorkerConfig;

import io.minio.MinioClient;
import okhttp3.OkHttpClient;

/** One MinIO client per process; it is thread-safe and pools its connections. */
public class StorageClientProducer {

    /**
     * MinIO's default timeouts are five minutes; an image read that hangs that long holds the
     * partition while it could be retried.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Produces
    @Singleton
    MinioClient minioClient(DetectWorkerConfig config) {
        DetectWorkerConfig.Storage storage = config.storage();
        return MinioClient.builder()
                .endpoint(storage.endpoint())
                .credentials(storage.accessKey(), storage.secretKey())
                .httpClient(new OkHttpClient.Builder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .readTimeout(READ_TIMEOUT)
                        .writeTimeout(READ_TIMEOUT)
                        .build(), true)
                .build();
    }

    void closeMinioClient(@Disposes MinioClient minio) throws Exception {
        minio.close();
    }

    @Produces
    @Singleton
    ImageStore imageStore(MinioClient minio) {
        return new ImageStore(minio);
    }
}
