package org.bloodcells.storage;

import org.bloodcells.images.ImageFormat;

/**
 * Layout of the bucket. Images are content-addressed under {@code sha256/}, fanned out by the
 * first two hex digits; {@code published/} holds one marker per image whose upload event
 * Kafka has acknowledged. Keeping the markers under their own prefix leaves {@code sha256/}
 * holding nothing but images, for bucket notifications and for the detect workers.
 */
public final class ObjectKeys {

    private ObjectKeys() {
    }

    /** e.g. {@code sha256/ab/ab12...ef.jpg} */
    public static String image(String imageId, ImageFormat format) {
        return "sha256/" + fanOut(imageId) + "/" + imageId + "." + format.extension();
    }

    /** e.g. {@code published/ab/ab12...ef.json}; its content is the event that was acknowledged. */
    public static String publishedMarker(String imageId) {
        return "published/" + fanOut(imageId) + "/" + imageId + ".json";
    }

    private static String fanOut(String imageId) {
        if (imageId.length() < 2) {
            throw new IllegalArgumentException("not an image id: " + imageId);
        }
        return imageId.substring(0, 2);
    }
}
