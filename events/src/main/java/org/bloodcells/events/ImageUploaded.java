package org.bloodcells.events;

import java.time.Instant;
import java.util.Optional;

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

    /** A new event, its fields named one by one (twelve in a row are easy to swap unseen). */
    public static Builder builder() {
        return new Builder();
    }

    /** The same image announced again, for the given model version. */
    public ImageUploaded forModel(ModelRef version) {
        return new ImageUploaded(imageId, bucket, objectKey, contentType, sizeBytes, scannerId, slideId, batchId,
                uploadedAt, scale, version, uploadedBy);
    }

    /**
     * @return why no reader may act on this event; empty when it names a stored image, where it came from and when,
     *         and any scale and model version it carries are usable. The bucket may be left out: readers then use
     *         their configured images bucket.
     */
    public Optional<String> problem() {
        return Rules.firstOf(
                () -> ImageId.problem("imageId", imageId),
                () -> Rules.required("objectKey", objectKey),
                () -> OriginIds.problem("scannerId", scannerId),
                () -> OriginIds.problem("slideId", slideId),
                () -> OriginIds.problem("batchId", batchId),
                () -> Rules.required("uploadedAt", uploadedAt),
                () -> scale == null ? Optional.empty() : scale.problemAsGiven(),
                () -> model == null ? Optional.empty() : model.problem());
    }

    /** Builds an {@link ImageUploaded}; what is not set is null (0 for the size). */
    public static final class Builder {

        private String imageId;
        private String bucket;
        private String objectKey;
        private String contentType;
        private long sizeBytes;
        private String scannerId;
        private String slideId;
        private String batchId;
        private Instant uploadedAt;
        private Scale scale;
        private ModelRef model;
        private String uploadedBy;

        private Builder() {
        }

        public Builder imageId(String imageId) {
            this.imageId = imageId;
            return this;
        }

        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        public Builder objectKey(String objectKey) {
            this.objectKey = objectKey;
            return this;
        }

        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        public Builder sizeBytes(long sizeBytes) {
            this.sizeBytes = sizeBytes;
            return this;
        }

        public Builder scannerId(String scannerId) {
            this.scannerId = scannerId;
            return this;
        }

        public Builder slideId(String slideId) {
            this.slideId = slideId;
            return this;
        }

        public Builder batchId(String batchId) {
            this.batchId = batchId;
            return this;
        }

        public Builder uploadedAt(Instant uploadedAt) {
            this.uploadedAt = uploadedAt;
            return this;
        }

        public Builder scale(Scale scale) {
            this.scale = scale;
            return this;
        }

        public Builder model(ModelRef model) {
            this.model = model;
            return this;
        }

        public Builder uploadedBy(String uploadedBy) {
            this.uploadedBy = uploadedBy;
            return this;
        }

        public ImageUploaded build() {
            return new ImageUploaded(imageId, bucket, objectKey, contentType, sizeBytes, scannerId, slideId, batchId,
                    uploadedAt, scale, model, uploadedBy);
        }
    }
}
