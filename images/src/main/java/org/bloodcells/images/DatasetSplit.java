package org.bloodcells.images;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which split an image belongs to, fixed by its id alone: the first 7 bytes of the SHA-256 of the id, read as a
 * share of the whole range, fall into test (the first {@code testPercent}), val (the next {@code valPercent}) or
 * train. An image therefore stays in its split however the dataset grows, so a site's test images are never
 * trained or tuned on by a later export of the same site.
 */
public enum DatasetSplit {
    TRAIN, VAL, TEST;

    public String fileName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static DatasetSplit of(String imageId, int valPercent, int testPercent) {
        if (valPercent < 0 || testPercent < 0 || valPercent + testPercent >= 100) {
            throw new IllegalArgumentException("val " + valPercent + "% and test " + testPercent
                    + "% must leave some images to train on");
        }
        double place = share(imageId) * 100;
        if (place < testPercent) {
            return TEST;
        }
        return place < testPercent + valPercent ? VAL : TRAIN;
    }

    /** Where the id falls in [0, 1). */
    static double share(String imageId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(imageId.getBytes(StandardCharsets.UTF_8));
            long top = 0;
            for (int i = 0; i < 7; i++) {
                top = (top << 8) | (hash[i] & 0xff);
            }
            return top / (double) (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
