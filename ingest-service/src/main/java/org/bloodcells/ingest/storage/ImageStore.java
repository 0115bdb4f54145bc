package org.bloodcells.ingest.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bloodcells.storage.StorageConfig;
import org.bloodcells.storage.StorageUnavailableException;
import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.quarkus.runtime.StartupEvent;

/** The images bucket, through the MinIO client (any S3 API server). */
@ApplicationScoped
public class ImageStore {

    private static final Logger LOG = Logger.getLogger(ImageStore.class);

    private final MinioClient client;
    private final String bucket;
    private volatile boolean bucketReady;

    public ImageStore(MinioClient client, StorageConfig config) {
        this.client = client;
        this.bucket = config.bucket();
    }

    void createBucketAtStartup(@Observes StartupEvent startup) {
        try {
            ensureBucket();
        } catch (StorageUnavailableException e) {
            // Not fatal: the first upload tries again, and readiness reports the store as down meanwhile.
            LOG.warnf("Bucket %s not ready at start-up: %s", bucket, e.getMessage());
        }
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket when missing; cheap once it has succeeded. */
    public void ensureBucket() {
        if (bucketReady) {
            return;
        }
        call("create bucket " + bucket, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                    LOG.infof("Created bucket %s", bucket);
                } catch (ErrorResponseException e) {
                    // Another replica won the race.
                    if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                        throw e;
                    }
                }
            }
            return null;
        });
        bucketReady = true;
    }

    public boolean exists(String key) {
        return call("look up " + key, () -> {
            try {
                client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
                return true;
            } catch (ErrorResponseException e) {
                if ("NoSuchKey".equals(e.errorResponse().code())) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Writes the object; writing the same key again with the same bytes is harmless (content addressing). */
    public void put(String key, byte[] bytes, String contentType) {
        ensureBucket();
        call("store " + key, () -> client.putObject(PutObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                .contentType(contentType)
                .build()));
    }

    private interface StorageCall<T> {
        T run() throws MinioException, IOException, GeneralSecurityException;
    }

    private static <T> T call(String what, StorageCall<T> action) {
        try {
            return action.run();
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new StorageUnavailableException("object storage failed to " + what + ": " + e.getMessage(), e);
        }
    }
}
