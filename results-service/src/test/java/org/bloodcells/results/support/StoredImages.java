package org.bloodcells.results.support;

import java.nio.file.Path;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;

/** Real image files put into the real S3 server, where the pipeline's events say an image is stored. */
public final class StoredImages {

    private StoredImages() {
    }

    /** Stores the JPEG {@code file} as {@code bucket/key}, creating the bucket the first time. */
    public static void store(MinioClient minio, String bucket, String key, Path file) {
        try {
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            minio.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString())
                    .contentType("image/jpeg").build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot store " + file + " as " + bucket + "/" + key, e);
        }
    }
}
