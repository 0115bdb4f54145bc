package org.bloodcells.images;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * A dataset's fingerprint as its manifest states it: SHA-256 (hex) over the image ids in ascending order, each followed
 * directly by its annotation's bytes. The same images labelled the same way give the same fingerprint, whatever the
 * dataset's name or time; results-service writes it with an export and the trainer checks what it downloaded by it.
 */
public final class AnnotationsFingerprint {

    private AnnotationsFingerprint() {
    }

    public static String of(SortedMap<String, byte[]> annotationsById) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> annotation : annotationsById.entrySet()) {
                sha.update(annotation.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(annotation.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
