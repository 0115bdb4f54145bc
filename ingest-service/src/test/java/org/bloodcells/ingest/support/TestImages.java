package org.bloodcells.ingest.support;

import org.bloodcells.images.BccdImages;

/** BCCD images from the project's dataset, and unique variants of them for tests that need bytes no other test uploads. */
public final class TestImages {

    public static final String IMAGE_7 = "BloodImage_00007.jpg";
    public static final String IMAGE_11 = "BloodImage_00011.jpg";
    public static final String IMAGE_15 = "BloodImage_00015.jpg";

    private TestImages() {
    }

    /** An image of the project's BCCD copy, e.g. {@code BloodImage_00007.jpg}. */
    public static byte[] bccd(String name) {
        return BccdImages.bytes(name.replaceFirst("\\.jpg$", ""));
    }

    /** The BCCD image with other bytes (a JPEG comment added): a new image id no other test has uploaded. */
    public static byte[] uniqueVariant(String name) {
        return BccdImages.uniqueVariant(name.replaceFirst("\\.jpg$", ""));
    }
}
