package org.bloodcells.events;

import java.time.Instant;
import java.util.Optional;

/**
 * An image already stored was uploaded again with another origin (or the same one, again): the image is a member of
 * that scanner's slide in that batch too. Its detections are shared by every membership; a batch's totals count each
 * of its members once.
 *
 * @param imageId   SHA-256 of the image bytes
 * @param scannerId the scanner of this upload
 * @param slideId   the slide of this upload
 * @param batchId   the batch of this upload
 * @param addedAt   when ingest accepted this upload
 * @param addedBy   who uploaded it (the token's user, or {@code bucket:<scanner>}); null from before sign-in existed
 */
public record ImageMembership(String imageId, String scannerId, String slideId, String batchId, Instant addedAt,
        String addedBy) {

    /** A membership whose uploader is not known. */
    public ImageMembership(String imageId, String scannerId, String slideId, String batchId, Instant addedAt) {
        this(imageId, scannerId, slideId, batchId, addedAt, null);
    }

    /** @return why no reader may act on this membership; empty when it names an image, its origin and when */
    public Optional<String> problem() {
        return Rules.firstOf(
                () -> ImageId.problem("imageId", imageId),
                () -> OriginIds.problem("scannerId", scannerId),
                () -> OriginIds.problem("slideId", slideId),
                () -> OriginIds.problem("batchId", batchId),
                () -> Rules.required("addedAt", addedAt));
    }
}
