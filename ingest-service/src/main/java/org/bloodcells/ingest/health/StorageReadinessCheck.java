package org.bloodcells.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.bloodcells.ingest.storage.ImageStore;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Uploads need the bucket; Kafka's readiness is reported by the messaging extension itself. */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {

    private final ImageStore store;

    public StorageReadinessCheck(ImageStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("object-storage")
                .withData("bucket", store.bucket())
                .status(store.reachable())
                .build();
    }
}
