package org.bloodcells.detect.storage;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Set;

import org.bloodcells.events.ImageId;
import org.bloodcells.storage.StorageUnavailableException;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;

/**
 * Reads uploaded images from object storage and sorts its failures into the two kinds the
 * worker treats differently: the object is not there (permanent, the image is dead-lettered)
 * and the store cannot answer right now (transient, the message is retried).
 */
public class ImageStore {

    /** S3 error codes that say the object does not exist, as opposed to "cannot tell now". */
    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchBucket");

    private final MinioClient minio;

    public ImageStore(MinioClient minio) {
        this.minio = minio;
    }

    /**
     * @return the object's bytes and their SHA-256, hashed as they were read
     * @throws ImageMissingException       the bucket or object does not exist, or cannot be named
     * @throws StorageUnavailableException the store did not answer or refused for a reason that
     *                                     is not the image's fault (network, 5xx, credentials)
     */
    public ImageId.Identified fetch(String bucket, String objectKey) throws ImageMissingException {
        GetObjectArgs args;
        try {
            args = GetObjectArgs.builder().bucket(bucket).object(objectKey).build();
        } catch (IllegalArgumentException e) {
            throw new ImageMissingException("Invalid object address " + bucket + "/" + objectKey + ": " + e.getMessage());
        }
        try (GetObjectResponse object = minio.getObject(args)) {
            return ImageId.readAll(object);
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (MISSING.contains(code)) {
                throw new ImageMissingException("Object " + bucket + "/" + objectKey + " does not exist (" + code + ")");
            }
            throw new StorageUnavailableException("Object storage refused " + bucket + "/" + objectKey + ": " + code, e);
        } catch (MinioException | IOException | GeneralSecurityException e) {
            throw new StorageUnavailableException("Object storage unavailable reading " + bucket + "/" + objectKey
                    + ": " + describe(e), e);
        }
    }

    /** Class and message only: MinIO's own toString() appends the whole HTTP trace. */
    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
