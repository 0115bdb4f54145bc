package org.bloodcells.ingest.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

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

    /**
     * The BCCD image with a JPEG comment segment (COM) inserted after the start-of-image marker: the
     * same picture, different bytes, so a different image id that no other test has uploaded.
     */
    public static byte[] uniqueVariant(String name) {
        byte[] jpeg = bccd(name);
        byte[] comment = ("test " + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII);
        int length = comment.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + length + 2);
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xFE);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(comment, 0, comment.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
