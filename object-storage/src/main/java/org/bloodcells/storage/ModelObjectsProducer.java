package org.bloodcells.storage;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.minio.MinioClient;

/** The model registry's files for the services that read or write them (trainer, detect-worker). */
public class ModelObjectsProducer {

    @Produces
    @Singleton
    ModelObjects modelObjects(MinioClient minio, StorageConfig config) {
        return new ModelObjects(minio, config);
    }
}
