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
 * @param model       the model version to search it with, set when a batch is re-processed with a chosen version;
 *                    null for an upload, which the promoted version searches
 * @param uploadedBy  who uploaded it (the token's user, or {@code bucket:<scanner>}), for the audit trail; null when
 *                    not known (events from before sign-in existed)
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
        Scale scale,
        ModelRef model,
        String uploadedBy) {

    /** An event whose uploader is not known. */
    public ImageUploaded(String imageId, String bucket, String objectKey, String contentType, long sizeBytes,
            String scannerId, String slideId, String batchId, Instant uploadedAt, Scale scale, ModelRef model) {
        this(imageId, bucket, objectKey, contentType, sizeBytes, scannerId, slideId, batchId, uploadedAt, scale, model,
                null);
    }

    /** An upload: the promoted version searches it. */
    public ImageUploaded(String imageId, String bucket, String objectKey, String contentType, long sizeBytes,
            String scannerId, String slideId, String batchId, Instant uploadedAt, Scale scale) {
        this(imageId, bucket, objectKey, contentType, sizeBytes, scannerId, slideId, batchId, uploadedAt, scale, null);
    }

    /** The same image announced again, for the given model version. */
    public ImageUploaded forModel(ModelRef version) {
        return new ImageUploaded(imageId, bucket, objectKey, contentType, sizeBytes, scannerId, slideId, batchId,
                uploadedAt, scale, version, uploadedBy);
    }

    /** An upload whose scale nothing tells. */
    public ImageUploaded(String imageId, String bucket, String objectKey, String contentType, long sizeBytes,
            String scannerId, String slideId, String batchId, Instant uploadedAt) {
        this(imageId, bucket, objectKey, contentType, sizeBytes, scannerId, slideId, batchId, uploadedAt, null);
    }
}
