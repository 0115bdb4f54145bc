package org.bloodcells.detect.storage;

import org.bloodcells.events.ImageId;

import static org.bloodcells.detect.StoredImages.bccd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.bloodcells.detect.LocalKafkaAndS3;
import org.bloodcells.detect.StoredImages;
import org.bloodcells.events.ImageUploaded;
import org.bloodcells.storage.StorageConfig;
import org.junit.jupiter.api.Test;

import io.minio.MinioClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The worker's store against the real S3 server: what is missing is told apart from what fails. */
@QuarkusTest
@WithTestResource(LocalKafkaAndS3.class)
class ImageStoreTest {

    @Inject
    ImageStore store;
    @Inject
    MinioClient minio;
    @Inject
    StorageConfig storage;

    @Test
    void storedImageIsReadBackByteForByte() throws Exception {
        byte[] bytes = bccd("BloodImage_00011.jpg");
        ImageUploaded event = new StoredImages(minio, storage.bucket()).put(bytes, "image/jpeg");

        ImageId.Identified read = store.fetch(event.bucket(), event.objectKey());
        assertArrayEquals(bytes, read.bytes());
        assertEquals(ImageId.of(bytes), read.id(), "hashed while read, as the bytes would hash afterwards");
    }

    @Test
    void absentObjectIsMissingRatherThanUnavailable() {
        new StoredImages(minio, storage.bucket());

        ImageMissingException missing = assertThrows(ImageMissingException.class,
                () -> store.fetch(storage.bucket(), "no-such-object"));
        assertTrue(missing.getMessage().contains("NoSuchKey"), missing.getMessage());
    }

    @Test
    void absentBucketIsMissingRatherThanUnavailable() {
        assertThrows(ImageMissingException.class, () -> store.fetch("no-such-bucket", "whatever"));
    }
}
