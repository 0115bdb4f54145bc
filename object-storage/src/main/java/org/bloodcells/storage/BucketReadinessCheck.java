package org.bloodcells.storage;

import java.io.IOException;
import java.security.GeneralSecurityException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.errors.MinioException;

/**
 * Ready only while the images bucket answers: without it uploads fail with 503 and detections
 * wait for retries.
 */
@Readiness
@ApplicationScoped
public class BucketReadinessCheck implements HealthCheck {

    private final MinioClient minio;
    private final String bucket;

    public BucketReadinessCheck(MinioClient minio, StorageConfig config) {
        this.minio = minio;
        this.bucket = config.bucket();
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("object-storage").withData("bucket", bucket);
        try {
            return minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())
                    ? response.up().build()
                    : response.down().withData("error", "bucket does not exist").build();
        } catch (MinioException | IOException | GeneralSecurityException e) {
            // class and message only: MinIO's toString() appends the whole HTTP trace
            return response.down().withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
