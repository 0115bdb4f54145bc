package org.bloodcells.results.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code datasets/<name>/dataset.json}, written last: its presence means the dataset is complete.
 *
 * @param images      how many images (and annotations) it holds
 * @param splits      images per split: train, val, test
 * @param fingerprint see {@link #fingerprint}
 * @param filter      the image list's filters it was made with, as given
 */
public record DatasetManifest(String name, int images, Map<String, Integer> splits, String fingerprint,
        List<String> classes, Map<String, Object> filter, String createdBy, Instant createdAt) {

    /**
     * SHA-256 (hex) over the image ids in ascending order, each followed by its annotation's XML (UTF-8): the same
     * images labelled the same way give the same fingerprint, whatever the name or time.
     */
    public static String fingerprint(SortedMap<String, String> annotationsById) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> annotation : annotationsById.entrySet()) {
                sha.update(annotation.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update(annotation.getValue().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
