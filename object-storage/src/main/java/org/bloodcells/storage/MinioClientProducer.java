package org.bloodcells.storage;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.minio.MinioClient;
import okhttp3.OkHttpClient;

/** One MinIO client per process; it is thread-safe and pools its connections. */
public class MinioClientProducer {

    @Produces
    @Singleton
    MinioClient minioClient(StorageConfig config) {
        return create(config);
    }

    /** The client the services use, with the configuration's time limits; tools and tests may build one too. */
    public static MinioClient create(StorageConfig config) {
        return MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .httpClient(new OkHttpClient.Builder()
                        .connectTimeout(config.connectTimeout())
                        .readTimeout(config.timeout())
                        .writeTimeout(config.timeout())
                        // The read timeout is per socket read: a store that trickles bytes would never trip it.
                        // The whole call, body included, ends within the two together.
                        .callTimeout(config.connectTimeout().plus(config.timeout()))
                        .build(), true)
                .build();
    }

    void close(@Disposes MinioClient minio) throws Exception {
        minio.close();
    }
}
