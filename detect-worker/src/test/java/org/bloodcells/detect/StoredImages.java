package org.bloodcells.detect;

import java.io.ByteArrayInputStream;
import java.time.Instant;

import org.bloodcells.events.ImageId;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.images.BccdImages;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

/**
 * Puts test images into the real S3 server the way ingest does (content-addressed by SHA-256)
 * and describes them with the event ingest would publish.
 */
public final class StoredImages {

    private final MinioClient minio;
    private final String bucket;

    public StoredImages(MinioClient minio, String bucket) {
        this.minio = minio;
        this.bucket = bucket;
        try {
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create bucket " + bucket, e);
        }
    }

    /** Stores the bytes and returns the event announcing them. */
    public ImageUploaded put(byte[] bytes, String contentType) {
        String imageId = ImageId.of(bytes);
        String key = imageId;
        try {
            minio.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                    .contentType(contentType)
                    .build());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot store " + key, e);
        }
        return ImageUploaded.builder().imageId(imageId).bucket(bucket).objectKey(key).contentType(contentType)
                .sizeBytes(bytes.length).scannerId("scanner-test").slideId("slide-test").batchId("batch-test")
                .uploadedAt(Instant.now()).build();
    }

    /** A BCCD test-split image, e.g. {@code BloodImage_00007.jpg}, from the project's dataset. */
    public static byte[] bccd(String name) {
        return BccdImages.bytes(name.replaceFirst("\\.jpg$", ""));
    }
}
