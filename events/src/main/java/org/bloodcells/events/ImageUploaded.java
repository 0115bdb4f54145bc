package org.bloodcells.events;

import java.time.Instant;

/**
 * An image is stored durably in object storage and waits for detection.
 *
 * @param imageId     SHA-256 of the image bytes, lower-case hex: the same bytes always get the same id
 * @param bucket      object storage bucket
 * @param objectKey   content-addressed key inside the bucket
 * @param contentType media type as detected from the bytes (e.g. {@code image/jpeg})
 * @param sizeBytes   size of the stored object
 * @param scannerId   the scanner that produced the image
 * @param slideId     the slide the image belongs to
 * @param batchId     the upload batch
 * @param uploadedAt  when ingest accepted the image
 * @param scale       the image's physical scale where the upload, the scanner's settings or the file tell it; null
 *                    when none does (the worker then estimates it)
 */
public record ImageUploaded(
        String imageId,
        String bucket,
        String objectKey,
        String contentType,
        long sizeBytes,
        String scannerId,
        String slideId,
        String batchId,
        Instant uploadedAt,
        Scale scale) {

    /** An upload whose scale nothing tells. */
    public ImageUploaded(String imageId, String bucket, String objectKey, String contentType, long sizeBytes,
            String scannerId, String slideId, String batchId, Instant uploadedAt) {
        this(imageId, bucket, objectKey, contentType, sizeBytes, scannerId, slideId, batchId, uploadedAt, null);
    }
}
