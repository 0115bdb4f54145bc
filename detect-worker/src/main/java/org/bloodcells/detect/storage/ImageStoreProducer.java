package org.bloodcells.detect.storage;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.minio.MinioClient;

/** The plain {@link ImageStore} over the shared MinIO client (object-storage module). */
public class ImageStoreProducer {

    @Produces
    @Singleton
    ImageStore imageStore(MinioClient minio) {
        return new ImageStore(minio);
    }
}
