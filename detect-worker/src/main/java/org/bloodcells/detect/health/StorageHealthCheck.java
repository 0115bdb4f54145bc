package org.bloodcells.detect.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.detect.config.DetectWorkerConfig;
import org.bloodcells.detect.storage.ImageStore;
import org.bloodcells.detect.storage.StorageUnavailableException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Whether the images bucket can be reached; without it every image waits for retries. */
@Readiness
@ApplicationScoped
public class StorageHealthCheck implements HealthCheck {

    private final ImageStore store;
    private final String bucket;

    public StorageHealthCheck(ImageStore store, DetectWorkerConfig config) {
        this.store = store;
        this.bucket = config.storage().bucket();
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("object-storage").withData("bucket", bucket);
        try {
            return store.bucketExists(bucket)
                    ? response.up().build()
                    : response.down().withData("error", "bucket does not exist").build();
        } catch (StorageUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
