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
        return MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .httpClient(new OkHttpClient.Builder()
                        .connectTimeout(config.connectTimeout())
                        .readTimeout(config.timeout())
                        .writeTimeout(config.timeout())
                        .build(), true)
                .build();
    }

    void close(@Disposes MinioClient minio) throws Exception {
        minio.close();
    }
}
